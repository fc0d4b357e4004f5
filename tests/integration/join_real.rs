//! Joining points to the real QPV and IRIS layers of `../shared/data/real` (read in place).

use std::collections::HashMap;

use geo::coordinate_position::CoordPos;
use geo::{CoordinatePosition, CoordsIter, InteriorPoint};

use opsgeo::geocode::{GeocodeLevel, Location};
use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::zones::{read_zone_layer, ZoneKind, ZoneLayer};
use opsgeo::join::{place_all, ZoneIndex, ZoneSet};
use opsgeo::model::Coord;

use crate::support::ingest::zone_input;
use crate::support::{real, without_shared};

fn load(rel: &str, code: &str, name: &str, commune: &str, kind: ZoneKind) -> ZoneLayer {
    let input = zone_input(real(rel), code, name, commune);
    read_zone_layer(&input, kind, &mut RejectLog::new()).expect("layer reads")
}

fn qpv() -> ZoneLayer {
    load(
        "qpv_samples_other_regions/hackaviz2021_occitanie_qp.geojson",
        "code_qp",
        "nom_qp",
        "",
        ZoneKind::Qpv,
    )
}

fn iris() -> ZoneLayer {
    load(
        "iris_sample_haute_garonne/lomsansnom_iris_decoded_L93.geojson",
        "CODE_IRIS",
        "NOM_IRIS",
        "INSEE_COM",
        ZoneKind::Iris,
    )
}

/// The boundary rule by brute force over every zone, with geo's `CoordinatePosition`.
fn brute_force(layer: &ZoneLayer, p: Coord) -> (Option<u32>, usize) {
    let mut inside: Option<u32> = None;
    let mut boundary: Vec<u32> = Vec::new();
    for (i, z) in layer.zones.iter().enumerate() {
        match z.geometry.coordinate_position(&p) {
            CoordPos::Inside => {
                let i = i as u32;
                if inside.is_none_or(|j| z.code < layer.zones[j as usize].code) {
                    inside = Some(i);
                }
            }
            CoordPos::OnBoundary => boundary.push(i as u32),
            CoordPos::Outside => {}
        }
    }
    let on = boundary.len();
    let best = inside.or_else(|| {
        boundary.into_iter().min_by(|&a, &b| {
            layer.zones[a as usize]
                .code
                .cmp(&layer.zones[b as usize].code)
        })
    });
    (best, on)
}

fn interior_points_land_in_their_zone(layer: &ZoneLayer) {
    let index = ZoneIndex::new(layer);
    assert_eq!(index.len(), layer.zones.len());
    for (i, z) in layer.zones.iter().enumerate() {
        let p = z.geometry.interior_point().expect("non-empty zone").0;
        assert_eq!(
            z.geometry.coordinate_position(&p),
            CoordPos::Inside,
            "{}",
            z.code
        );
        let got = index.locate(p);
        assert_eq!(
            got,
            Some(i as u32),
            "interior point of {} located in {:?}",
            z.code,
            got.map(|g| &layer.zones[g as usize].code)
        );
    }
}

#[test]
fn qpv_interior_points() {
    if without_shared() {
        return;
    }
    let layer = qpv();
    assert_eq!(layer.zones.len(), 105);
    interior_points_land_in_their_zone(&layer);
}

#[test]
fn iris_interior_points() {
    if without_shared() {
        return;
    }
    let layer = iris();
    assert_eq!(layer.zones.len(), 849);
    interior_points_land_in_their_zone(&layer);
}

#[test]
fn iris_shared_vertices_go_to_the_smaller_code() {
    if without_shared() {
        return;
    }
    let layer = iris();
    let index = ZoneIndex::new(&layer);
    // Vertices shared by exactly two IRIS (the same coordinates in both rings).
    let mut owners: HashMap<(u64, u64), Vec<u32>> = HashMap::new();
    for (i, z) in layer.zones.iter().enumerate() {
        for c in z.geometry.coords_iter() {
            let v = owners.entry((c.x.to_bits(), c.y.to_bits())).or_default();
            if v.last() != Some(&(i as u32)) {
                v.push(i as u32);
            }
        }
    }
    let mut shared: Vec<(Coord, u32, u32)> = owners
        .iter()
        .filter(|(_, v)| v.len() == 2)
        .map(|(&(x, y), v)| {
            (
                Coord {
                    x: f64::from_bits(x),
                    y: f64::from_bits(y),
                },
                v[0],
                v[1],
            )
        })
        .collect();
    shared.sort_by(|a, b| (a.0.x, a.0.y).partial_cmp(&(b.0.x, b.0.y)).unwrap());
    assert!(shared.len() > 5_000, "{} shared vertices", shared.len());
    let mut exceptions = 0;
    for (k, &(p, a, b)) in shared.iter().enumerate() {
        let (za, zb) = (&layer.zones[a as usize], &layer.zones[b as usize]);
        let smaller = if za.code < zb.code { a } else { b };
        let got = index.locate(p);
        if k % 10 == 0 || got != Some(smaller) {
            // Against a scan of all 849 IRIS: a third IRIS may touch the vertex without having
            // it among its own vertices, or a repaired IRIS may have moved it.
            let (expected, on) = brute_force(&layer, p);
            assert_eq!(got, expected, "vertex {p:?} of {} / {}", za.code, zb.code);
            if on == 2 {
                assert_eq!(got, Some(smaller), "{} / {} at {p:?}", za.code, zb.code);
            }
        }
        if got != Some(smaller) {
            exceptions += 1;
        }
    }
    eprintln!(
        "{} sommets partagés par deux IRIS, {exceptions} touchés aussi par un troisième",
        shared.len()
    );
    assert!(exceptions * 100 < shared.len(), "{exceptions} exceptions");
}

#[test]
fn random_points_match_brute_force_on_iris() {
    if without_shared() {
        return;
    }
    use rand::{Rng, SeedableRng};
    let layer = iris();
    let index = ZoneIndex::new(&layer);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(31);
    let mut located = 0;
    for _ in 0..3_000 {
        let p = Coord {
            x: rng.gen_range(540_000.0..600_000.0),
            y: rng.gen_range(6_260_000.0..6_310_000.0),
        };
        let (expected, _) = brute_force(&layer, p);
        assert_eq!(index.locate(p), expected, "{p:?}");
        located += usize::from(expected.is_some());
    }
    assert!(located > 1_000, "{located}");
}

#[test]
fn place_all_on_real_layers() {
    if without_shared() {
        return;
    }
    let iris = iris();
    let qpv = qpv();
    // Communes: the IRIS layer stands in (one zone per IRIS is enough to exercise the join).
    let set = ZoneSet {
        communes: &iris,
        iris: &iris,
        qpv: &qpv,
        qva: None,
    };
    // A Haute-Garonne QPV inside the IRIS sample.
    let iris_index = ZoneIndex::new(&iris);
    let qpv_mirail = qpv
        .zones
        .iter()
        .position(|z| {
            z.code.starts_with("QP031")
                && iris_index
                    .locate(z.geometry.interior_point().unwrap().0)
                    .is_some()
        })
        .expect("a QPV of Haute-Garonne in the IRIS sample");
    let inside_qpv = qpv.zones[qpv_mirail].geometry.interior_point().unwrap().0;
    let iris0 = iris.zones[0].geometry.interior_point().unwrap().0;
    let locations = vec![
        Location {
            point: Some(inside_qpv),
            level: GeocodeLevel::Numero,
        },
        Location {
            point: Some(iris0),
            level: GeocodeLevel::Interpolation,
        },
        Location {
            point: Some(iris0),
            level: GeocodeLevel::Commune,
        },
        Location {
            point: Some(Coord { x: 0.0, y: 0.0 }),
            level: GeocodeLevel::RplsXy,
        },
    ];
    let placed = place_all(&locations, &set);
    assert_eq!(placed.len(), 4);
    assert_eq!(placed[0].qpv, Some(qpv_mirail as u32));
    let in_iris = placed[0].iris.expect("the QPV lies in the IRIS sample");
    assert_eq!(&iris.zones[in_iris as usize].commune[..2], "31");
    assert_eq!(placed[1].iris, Some(0));
    assert_eq!(placed[1].commune, Some(0));
    assert_eq!(placed[1].qpv, None);
    assert_eq!(placed[2], Default::default());
    assert_eq!(placed[3], Default::default());
}
