//! Tests of the national profile: a reduced frame (six départements) for the geometry and the
//! files, the full frame (fast: no dwellings) for the national shape.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Area, Intersects, Validation};
use rand::Rng;

use super::frame::{iris_count, Frame, Scale, IRIS_FROM};
use super::lattice::{Cells, Lattice};
use super::zones::Zones;
use super::{draw_frame, write_set};
use crate::geography::in_ring;
use crate::stream;

const SMALL: Scale = Scale {
    communes_per_dep: 45.0,
    departements: Some(6),
};

fn inside(inner: Cells, outer: Cells) -> bool {
    inner.i0 >= outer.i0 && inner.i1 <= outer.i1 && inner.j0 >= outer.j0 && inner.j1 <= outer.j1
}

fn area(l: &Lattice, c: Cells) -> f64 {
    l.polygon(c).unsigned_area()
}

#[test]
fn communes_tile_their_departements_and_iris_their_communes() {
    let seed = 5;
    let (f, _) = draw_frame(SMALL, seed).unwrap();
    let l = Lattice::new(seed);
    assert_eq!(f.departements.len(), 6);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.max(1.0);
    for (r, region) in f.regions.iter().enumerate() {
        let deps: Vec<&_> = f.departements.iter().filter(|d| d.region == r).collect();
        let sum: f64 = deps.iter().map(|d| area(&l, d.cells)).sum();
        assert!(close(sum, area(&l, region.cells)), "région {}", region.code);
    }
    for (d, dep) in f.departements.iter().enumerate() {
        let communes: Vec<&_> = f.communes.iter().filter(|c| c.departement == d).collect();
        let sum: f64 = communes.iter().map(|c| area(&l, c.cells)).sum();
        assert!(close(sum, area(&l, dep.cells)), "département {}", dep.code);
        let epci_sum: f64 = f
            .epcis
            .iter()
            .filter(|e| e.departement == d)
            .map(|e| area(&l, e.cells))
            .sum();
        assert!(close(epci_sum, area(&l, dep.cells)));
        // Random points of the département fall in exactly one commune.
        let mut rng = stream(1, d as u64);
        let ring = l.ring(dep.cells);
        let (lo, hi) = crate::geography::bbox(&ring);
        let mut tested = 0;
        while tested < 300 {
            let p = geo::Coord {
                x: rng.gen_range(lo.x..hi.x),
                y: rng.gen_range(lo.y..hi.y),
            };
            if !in_ring(p, &ring) {
                continue;
            }
            tested += 1;
            let n = communes
                .iter()
                .filter(|c| in_ring(p, &l.ring(c.cells)))
                .count();
            assert_eq!(n, 1, "{p:?} in {n} communes of {}", dep.code);
        }
    }
    for c in &f.communes {
        assert!(l.polygon(c.cells).is_valid(), "{}", c.code);
        let sum: f64 = f.iris[c.iris.clone()]
            .iter()
            .map(|i| area(&l, i.cells))
            .sum();
        assert!(close(sum, area(&l, c.cells)), "IRIS of {}", c.code);
    }
}

#[test]
fn hierarchy_is_consistent() {
    let (f, z) = draw_frame(SMALL, 8).unwrap();
    for (k, c) in f.communes.iter().enumerate() {
        let dep = &f.departements[c.departement];
        let epci = &f.epcis[c.epci];
        assert!(c.code.starts_with(dep.code), "{}", c.code);
        assert_eq!(epci.departement, c.departement);
        assert!(inside(c.cells, epci.cells) && inside(epci.cells, dep.cells));
        assert!(inside(dep.cells, f.regions[dep.region].cells));
        assert_eq!(
            opsgeo::ingest::territory::departement_of(&c.code),
            Some(dep.code)
        );
        for i in &f.iris[c.iris.clone()] {
            assert_eq!(i.commune, k);
            assert!(i.code.starts_with(&c.code) && i.code.len() == 9);
            assert_eq!(i.typ == 'Z', c.iris.len() == 1);
        }
        assert_eq!(c.iris.len(), iris_count(c.target));
    }
    // Blobs stay in their commune(s) and never meet.
    let l = Lattice::new(8);
    for b in z.qpv.iter().chain(&z.qva) {
        assert!(b.polygon.is_valid(), "{}", b.code);
        for p in &b.polygon.exterior().0 {
            let homes = std::iter::once(b.commune).chain(b.other);
            assert!(
                homes
                    .into_iter()
                    .any(|c| in_ring(*p, &l.ring(f.communes[c].cells))),
                "{} leaves its commune",
                b.code
            );
        }
    }
    for (c, list) in z.by_commune.iter().enumerate() {
        for (a, &(qa, ka)) in list.iter().enumerate() {
            for &(qb, kb) in &list[a + 1..] {
                let pa = if qa {
                    &z.qpv[ka as usize]
                } else {
                    &z.qva[ka as usize]
                };
                let pb = if qb {
                    &z.qpv[kb as usize]
                } else {
                    &z.qva[kb as usize]
                };
                assert!(!pa.polygon.intersects(&pb.polygon), "commune {c}");
            }
        }
    }
}

#[test]
fn national_frame_has_the_shape_of_france() {
    let (f, z) = draw_frame(Scale::FRANCE, 2022).unwrap();
    assert_eq!(f.regions.len(), 13);
    assert_eq!(f.departements.len(), 96);
    assert!(
        (30_000..40_000).contains(&f.communes.len()),
        "{}",
        f.communes.len()
    );
    assert!((1_100..1_500).contains(&f.epcis.len()), "{}", f.epcis.len());
    assert!((40_000..60_000).contains(&f.iris.len()), "{}", f.iris.len());
    assert!((1_300..1_800).contains(&z.qpv.len()), "{}", z.qpv.len());
    assert!(z.qpv.iter().filter(|b| b.other.is_some()).count() >= 20);
    assert!(!z.qva.is_empty());
    // Heavy tail.
    let q = f.quotas(super::NATIONAL_DWELLINGS);
    assert_eq!(q.iter().sum::<usize>(), super::NATIONAL_DWELLINGS);
    let count = |lo: usize, hi: usize| q.iter().filter(|&&n| n >= lo && n < hi).count();
    assert!(*q.iter().max().unwrap() >= 100_000);
    assert!(count(10_000, usize::MAX) >= 20);
    assert!(count(1, 10) >= 2_000, "{}", count(1, 10));
    assert!(count(0, 1) >= 10_000);
    for c in &f.communes {
        assert_eq!(c.iris.len() > 1, c.target >= IRIS_FROM);
    }
    // The same national structure at any size.
    let small = f.quotas(53_000);
    assert_eq!(small.iter().sum::<usize>(), 53_000);
    let big = q.iter().enumerate().max_by_key(|(_, n)| **n).unwrap().0;
    assert_eq!(
        small.iter().enumerate().max_by_key(|(_, n)| **n).unwrap().0,
        big
    );
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn small_set(seed: u64, n: usize, out: &Path) -> (Frame, Zones, crate::SynthSummary) {
    let (f, z) = draw_frame(SMALL, seed).unwrap();
    let s = write_set(&f, &z, n, seed, out).unwrap();
    (f, z, s)
}

#[test]
fn a_set_is_deterministic_and_its_dwellings_lie_in_their_zones() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (f, z, s) = small_set(3, 4000, a.path());
    small_set(3, 4000, b.path());
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between two runs");
    }
    assert_eq!(s.dwellings, 4000);
    let dirt: usize = s
        .dirt
        .iter()
        .filter(|d| d.file == "rpls_2022.csv")
        .map(|d| d.rows)
        .sum();
    assert_eq!(s.rows_written[0], 4000 + dirt);
    assert!(s.dirt.iter().all(|d| d.rows >= 1), "{:?}", s.dirt);

    // Every good landlord X/Y lies in its DEPCOM commune, and in a QPV exactly when flagged.
    let l = Lattice::new(3);
    let by_code: BTreeMap<&str, usize> = f
        .communes
        .iter()
        .enumerate()
        .map(|(k, c)| (c.code.as_str(), k))
        .collect();
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&fa["rpls_2022.csv"]);
    let mut checked = 0;
    let mut in_qpv = 0;
    for line in text.lines().skip(1) {
        let f2: Vec<&str> = line.split(';').collect();
        if f2.len() != 31 || f2[27].is_empty() || f2[27] == "0" {
            continue;
        }
        let Some(&c) = by_code.get(f2[3]) else {
            continue;
        };
        let p = geo::Coord {
            x: f2[27].parse().unwrap(),
            y: f2[28].parse().unwrap(),
        };
        if !in_ring(p, &l.ring(f.communes[c].cells)) {
            // Swapped X/Y (a deliberate defect) fall far outside.
            assert!(p.x > 6_000_000.0, "{line}");
            continue;
        }
        let qpv = z.qpv.iter().any(|b| in_ring(p, &b.polygon.exterior().0));
        assert_eq!(qpv, f2[26] == "1", "{line}");
        checked += 1;
        in_qpv += usize::from(qpv);
    }
    assert!(checked > 500 && in_qpv > 50, "{checked} {in_qpv}");
    // The configuration parses and names one BAN file per département.
    let cfg = opsgeo::config::Config::from_toml_str(
        std::str::from_utf8(&fa["opsgeo.toml"]).unwrap(),
        a.path(),
    )
    .unwrap();
    assert_eq!(cfg.ban.paths.len(), 6);
    assert!(cfg.territory.departements.is_empty());
}
