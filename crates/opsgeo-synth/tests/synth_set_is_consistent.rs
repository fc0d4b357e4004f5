//! A generated set is self-consistent: layouts and encodings as documented, the injected
//! defects are exactly those reported, OPS matches RPLS, RPLS addresses match the BAN (apart
//! from the deliberate ~3 % of programmes), X/Y and flags agree with the polygons, and the
//! polygons read back through GDAL are clean.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use gdal::vector::LayerAccess;
use geo::{Area, Contains, Intersects, Validation};
use opsgeo_synth::geography::Geography;
use opsgeo_synth::names::{self, STREET_TYPES};
use opsgeo_synth::{generate, SynthParams, SynthSummary};
use unicode_normalization::UnicodeNormalization;

const N: usize = 3000;

fn set() -> (tempfile::TempDir, SynthSummary) {
    let tmp = tempfile::tempdir().unwrap();
    let s = generate(
        &SynthParams {
            dwellings: N,
            seed: 11,
        },
        tmp.path(),
    )
    .unwrap();
    (tmp, s)
}

fn rows(text: &str, delim: u8) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn dirt(s: &SynthSummary, file: &str, kind_part: &str) -> usize {
    s.dirt
        .iter()
        .filter(|d| d.file == file && d.kind.contains(kind_part))
        .map(|d| d.rows)
        .sum()
}

fn norm(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_uppercase()
}

fn full_type(t: &str) -> String {
    STREET_TYPES
        .iter()
        .find(|st| st.abbr == t || st.word == t)
        .map(|st| norm(st.full))
        .unwrap_or_default()
}

#[test]
fn generated_set_is_consistent() {
    let (tmp, s) = set();
    let dir = tmp.path();
    opsgeo::config::Config::load(&dir.join("opsgeo.toml")).expect("the template loads");

    // ---- RPLS ----
    let raw = std::fs::read(dir.join("rpls_2022.csv")).unwrap();
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "RPLS must be Windows-1252"
    );
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&raw);
    assert!(text.contains("\r\n"));
    let all = rows(&text, b';');
    assert_eq!(all[0].join(";"), opsgeo_synth::writers::RPLS_HEADER);
    let data = &all[1..];
    assert_eq!(data.len(), s.rows_written[0]);
    let communes: BTreeSet<&str> = names::COMMUNES.iter().map(|c| c.code).collect();
    let (mut short, mut nbp, mut finan, mut mode, mut dep, mut dup) = (0, 0, 0, 0, 0, 0);
    let mut seen = BTreeSet::new();
    let mut dwellings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in data {
        if r.len() != 31 {
            short += 1;
        } else if r[15].parse::<u8>().is_err() {
            nbp += 1;
        } else if !opsgeo::model::Financing::VALID_CODES.contains(&r[19].parse().unwrap()) {
            finan += 1;
        } else if opsgeo::model::OccupancyMode::from_code(r[23].parse().unwrap()).is_none() {
            mode += 1;
        } else if !communes.contains(r[3].as_str()) {
            dep += 1;
        } else if !seen.insert(r[0].clone()) {
            dup += 1;
        } else {
            dwellings.insert(r[0].clone(), r.clone());
        }
    }
    let f = "rpls_2022.csv";
    assert_eq!(short, dirt(&s, f, "champs"));
    assert_eq!(nbp, dirt(&s, f, "NBPIECE"));
    assert_eq!(finan, dirt(&s, f, "FINAN"));
    assert_eq!(mode, dirt(&s, f, "MODE"));
    assert_eq!(dep, dirt(&s, f, "DEPCOM"));
    assert_eq!(dup, dirt(&s, f, "double"));
    assert_eq!(dwellings.len(), N);
    assert_eq!(dwellings.len(), s.dwellings);
    let rejected = data.len() - dwellings.len();
    assert!(rejected > 0 && (rejected as f64) < 0.05 * data.len() as f64);

    // ---- OPS households ----
    let raw = std::fs::read_to_string(dir.join("ops_menages_2022.csv")).unwrap();
    let body = raw.strip_prefix('\u{feff}').expect("BOM");
    let hh = rows(body, b';');
    assert_eq!(hh[0].join(";"), opsgeo_synth::writers::HOUSEHOLDS_HEADER);
    let let_ids: BTreeSet<&String> = dwellings
        .iter()
        .filter(|(_, r)| r[23] == "1")
        .map(|(k, _)| k)
        .collect();
    let (mut unknown, mut dup_h, mut bad_comp) = (0, 0, 0);
    let mut hh_seen = BTreeSet::new();
    let mut accepted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &hh[1..] {
        assert_eq!(r.len(), 8);
        if !dwellings.contains_key(&r[0]) {
            unknown += 1;
        } else if !hh_seen.insert(r[0].clone()) {
            dup_h += 1;
        } else if r[1] == "1" && !(1..=5).contains(&r[3].parse::<u8>().unwrap()) {
            bad_comp += 1;
        } else {
            assert_eq!(r[7], dwellings[&r[0]][11], "CODE_PROGRAMME = IMMEU");
            if r[1] == "2" {
                assert!(r[2..7].iter().all(String::is_empty));
            }
            accepted.insert(r[0].clone(), r.clone());
        }
    }
    let f = "ops_menages_2022.csv";
    assert_eq!(unknown, dirt(&s, f, "absent"));
    assert_eq!(dup_h, dirt(&s, f, "double"));
    assert_eq!(bad_comp, dirt(&s, f, "COMPOSITION"));
    assert_eq!(accepted.len(), s.households);
    assert_eq!(
        hh_seen.iter().collect::<BTreeSet<_>>(),
        let_ids,
        "one household per let dwelling"
    );

    // ---- OPS occupants ----
    let raw = std::fs::read_to_string(dir.join("ops_occupants_2022.csv")).unwrap();
    assert!(!raw.starts_with('\u{feff}'));
    let occ = rows(&raw, b',');
    assert_eq!(occ[0].join(","), opsgeo_synth::writers::OCCUPANTS_HEADER);
    let (mut unk_o, mut bad_age, mut nonresp) = (0, 0, 0);
    let mut persons: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for r in &occ[1..] {
        match accepted.get(&r[0]) {
            None if !dwellings.contains_key(&r[0]) => unk_o += 1,
            None => panic!("occupant of a rejected household"),
            Some(h) if h[1] == "2" => nonresp += 1,
            Some(_) if r[2].parse::<u8>().map_or(true, |a| a > 120) => bad_age += 1,
            Some(_) => persons.entry(r[0].clone()).or_default().push(r.clone()),
        }
    }
    let f = "ops_occupants_2022.csv";
    assert_eq!(unk_o, dirt(&s, f, "inconnu"));
    assert_eq!(bad_age, dirt(&s, f, "AGE"));
    assert_eq!(nonresp, dirt(&s, f, "non répondant"));
    assert_eq!(persons.values().map(Vec::len).sum::<usize>(), s.occupants);
    for (id, h) in accepted.iter().filter(|(_, h)| h[1] == "1") {
        let p = &persons[id];
        assert_eq!(p[0][3], "1");
        assert_eq!(p[0][2], h[4], "holder age");
        let count = |l: &str| p.iter().filter(|o| o[3] == l).count();
        match h[3].as_str() {
            "1" => assert_eq!(p.len(), 1),
            "2" => assert!(count("2") == 0 && count("3") >= 1),
            "3" => assert!(count("2") == 1 && p.len() == 2),
            "4" => assert!(count("2") == 1 && count("3") >= 1),
            _ => assert!(count("2") + count("3") == 0 && p.len() >= 2),
        }
        for o in p {
            let adult = o[2].parse::<u8>().unwrap() >= 18;
            assert!(adult || o[4].is_empty() || o[4] == "9");
            assert!(!adult || ["1", "2", "3", "4", "5", "6", "9"].contains(&o[4].as_str()));
        }
    }

    // ---- BAN and geocodability ----
    let gz = std::fs::read(dir.join("ban/adresses-00.csv.gz")).unwrap();
    assert_eq!(&gz[4..8], &[0, 0, 0, 0], "gzip mtime 0");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap();
    let ban = rows(&text, b';');
    assert_eq!(ban[0].join(";"), opsgeo_synth::writers::BAN_HEADER);
    assert_eq!(ban.len() - 1, s.ban_addresses);
    let mut numbers = BTreeSet::new();
    let mut streets = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for r in &ban[1..] {
        assert!(ids.insert(r[0].clone()), "BAN id unique");
        let rep = r[3]
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase().to_string());
        numbers.insert((
            r[6].clone(),
            norm(&r[4]),
            r[2].clone(),
            rep.unwrap_or_default(),
        ));
        streets.insert((r[6].clone(), norm(&r[4])));
    }
    let mut unmatched: BTreeMap<(String, String), bool> = BTreeMap::new();
    let mut programmes = BTreeSet::new();
    for r in dwellings.values() {
        let prog = (r[1].clone(), r[11].clone());
        programmes.insert(prog.clone());
        let t = if r[8] == "99" {
            String::new()
        } else {
            full_type(&r[8])
        };
        let name = format!("{t} {}", r[9]).trim().to_string();
        let ind = if r[7] == "9" {
            String::new()
        } else {
            r[7].clone()
        };
        if !numbers.contains(&(r[3].clone(), name.clone(), r[6].clone(), ind)) {
            let street_known = streets.contains(&(r[3].clone(), name));
            unmatched.insert(prog, street_known);
        }
    }
    let share = unmatched.len() as f64 / programmes.len() as f64;
    assert!(
        (0.01..=0.05).contains(&share),
        "unmatched programmes {share}"
    );
    assert!(unmatched.values().any(|k| *k) && unmatched.values().any(|k| !*k));

    // ---- X/Y, flags and polygons ----
    let geo = Geography::build();
    let (mut good, mut unusable) = (0, 0);
    for r in dwellings.values() {
        if r[27].is_empty() {
            assert!(r[28].is_empty() && r[29].is_empty());
            continue;
        }
        assert_eq!(r[29], "2154");
        let p = geo::Coord {
            x: r[27].parse::<f64>().unwrap(),
            y: r[28].parse::<f64>().unwrap(),
        };
        let commune = geo.communes.iter().position(|c| c.polygon.contains(&p));
        let Some(c) = commune else {
            unusable += 1;
            continue;
        };
        good += 1;
        assert_eq!(geo.communes[c].code, r[3], "X/Y in its DEPCOM");
        let in_qpv = geo.qpv.iter().any(|q| q.polygon.contains(&p));
        assert_eq!(in_qpv, r[26] == "1", "QPV flag");
        let qva = geo
            .qva
            .iter()
            .find(|q| q.polygon.contains(&p))
            .map(|q| q.code.as_str());
        assert_eq!(qva.unwrap_or(""), r[30], "PLG_QVA");
    }
    let share = good as f64 / dwellings.len() as f64;
    assert!((0.2..0.5).contains(&share), "X/Y share {share}");
    assert_eq!(
        unusable,
        2 * opsgeo_synth::dwellings::xy_spoiled_per_kind(N)
    );
}

fn read_layer(path: &Path) -> Vec<(Vec<String>, geo::Geometry<f64>)> {
    let ds = gdal::Dataset::open(path).unwrap();
    let mut layer = ds.layer(0).unwrap();
    let n = layer.defn().fields().count();
    layer
        .features()
        .map(|f| {
            let props = (0..n)
                .map(|i| f.field_as_string(i).unwrap().unwrap_or_default())
                .collect();
            (props, f.geometry().unwrap().to_geo().unwrap())
        })
        .collect()
}

fn polygon(g: &geo::Geometry<f64>) -> geo::Polygon<f64> {
    match g {
        geo::Geometry::Polygon(p) => p.clone(),
        other => panic!("polygon expected, got {other:?}"),
    }
}

#[test]
fn zone_layers_are_clean() {
    let (tmp, _) = set();
    let z = tmp.path().join("zones");
    let communes = read_layer(&z.join("communes.geojson"));
    let iris = read_layer(&z.join("iris/iris.shp"));
    assert_eq!(communes.len(), 12);
    assert!((30..=45).contains(&iris.len()));
    for (props, g) in communes.iter().chain(&iris) {
        assert!(polygon(g).is_valid(), "{props:?}");
    }
    for (props, g) in &communes {
        let code = &props[0];
        let area = polygon(g).unsigned_area();
        let mine: Vec<geo::Polygon<f64>> = iris
            .iter()
            .filter(|(p, _)| &p[0] == code)
            .map(|(p, g)| {
                assert!(p[3].starts_with(code.as_str()) && p[3].len() == 9);
                polygon(g)
            })
            .collect();
        let sum: f64 = mine.iter().map(|p| p.unsigned_area()).sum();
        assert!(
            (sum - area).abs() < 1e-3,
            "{code}: IRIS areas {sum} vs {area}"
        );
        let union = geo::unary_union(&mine);
        assert_eq!(union.0.len(), 1, "{code}: IRIS union is one polygon");
        assert!(union.0[0].interiors().is_empty());
        assert!((union.unsigned_area() - area).abs() < 1.0);
        if mine.len() == 1 {
            let p = &iris.iter().find(|(p, _)| &p[0] == code).unwrap().0;
            assert_eq!(p[5], "Z");
            assert!(p[3].ends_with("0000"));
        }
    }

    let qpv = read_layer(&z.join("qpv_2015.geojson"));
    let qva = read_layer(&z.join("qva.geojson"));
    assert_eq!(qpv.len(), 5);
    assert_eq!(qva.len(), 2);
    let invalid: Vec<&str> = qpv
        .iter()
        .filter(|(_, g)| !polygon(g).is_valid())
        .map(|(p, _)| p[0].as_str())
        .collect();
    assert_eq!(invalid, vec!["QP000005"]);
    let text = std::fs::read_to_string(z.join("qpv_2015.geojson")).unwrap();
    assert!(!text.contains("\"crs\""));
    // Back to Lambert-93, the QPV match the generator's polygons within a few centimetres.
    let geo = Geography::build();
    let mut l93 = gdal::spatial_ref::SpatialRef::from_epsg(2154).unwrap();
    let mut wgs = gdal::spatial_ref::SpatialRef::from_epsg(4326).unwrap();
    for s in [&mut l93, &mut wgs] {
        s.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    }
    let t = gdal::spatial_ref::CoordTransform::new(&wgs, &l93).unwrap();
    for ((props, g), mine) in qpv.iter().zip(&geo.qpv) {
        assert_eq!(props[0], mine.code);
        let poly = polygon(g);
        let ring = &poly.exterior().0;
        let mut xs: Vec<f64> = ring.iter().map(|c| c.x).collect();
        let mut ys: Vec<f64> = ring.iter().map(|c| c.y).collect();
        t.transform_coords(&mut xs, &mut ys, &mut []).unwrap();
        for ((x, y), c) in xs.iter().zip(&ys).zip(&mine.polygon.exterior().0) {
            assert!((x - c.x).abs() < 0.05 && (y - c.y).abs() < 0.05);
        }
    }
    for (_, v) in &qva {
        for q in &geo.qpv {
            assert!(!polygon(v).intersects(&q.polygon));
        }
    }
}

#[test]
fn smallest_set_is_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let s = generate(
        &SynthParams {
            dwellings: 200,
            seed: 3,
        },
        tmp.path(),
    )
    .unwrap();
    assert_eq!(s.dwellings, 200);
    assert!(s.files.iter().all(|f| f.exists()));
    let rejected: usize = s
        .dirt
        .iter()
        .filter(|d| d.file == "rpls_2022.csv")
        .map(|d| d.rows)
        .sum();
    assert!((rejected as f64) < 0.05 * s.rows_written[0] as f64);
    opsgeo::config::Config::load(&tmp.path().join("opsgeo.toml")).unwrap();
}

#[test]
fn csv_files_are_detected_as_documented() {
    use opsgeo::ingest::source::{CsvSource, Encoding};
    let (tmp, s) = set();
    let cases = [
        (
            "rpls_2022.csv",
            Encoding::Windows1252,
            b';',
            "LOYERPRINC",
            s.rows_written[0],
        ),
        (
            "ops_menages_2022.csv",
            Encoding::Utf8,
            b';',
            "IDENT_REP",
            s.rows_written[1],
        ),
        (
            "ops_occupants_2022.csv",
            Encoding::Utf8,
            b',',
            "IDENT_REP",
            s.rows_written[2],
        ),
        ("epci.csv", Encoding::Utf8, b';', "NOM_EPCI", 12),
    ];
    for (file, enc, delim, column, expected_rows) in cases {
        let mut src = CsvSource::open(&tmp.path().join(file), "auto", "auto").unwrap();
        assert_eq!(src.encoding(), enc, "{file}");
        assert_eq!(src.delimiter(), delim, "{file}");
        src.column(column).unwrap();
        let mut n = 0;
        src.for_each_row(|_| {
            n += 1;
            Ok::<(), opsgeo::ingest::IngestError>(())
        })
        .unwrap();
        assert_eq!(n, expected_rows, "{file}");
    }
}
