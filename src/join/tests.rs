use std::path::PathBuf;

use geo::{wkt, CoordinatePosition, LineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::geocode::GeocodeLevel;
use crate::ingest::zones::{Zone, ZoneKind};
use crate::ingest::InputStats;

fn layer(zones: Vec<(&str, MultiPolygon<f64>)>) -> ZoneLayer {
    ZoneLayer {
        kind: ZoneKind::Iris,
        source: PathBuf::from("test"),
        vintage: String::new(),
        zones: zones
            .into_iter()
            .map(|(code, geometry)| Zone {
                code: code.into(),
                name: format!("zone {code}"),
                commune: String::new(),
                geometry,
            })
            .collect(),
        issues: Vec::new(),
        stats: InputStats::default(),
    }
}

fn square(x0: f64, y0: f64, size: f64) -> MultiPolygon<f64> {
    let (x1, y1) = (x0 + size, y0 + size);
    MultiPolygon::new(vec![Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )])
}

fn c(x: f64, y: f64) -> Coord {
    Coord { x, y }
}

fn code_at(l: &ZoneLayer, p: Coord) -> Option<&str> {
    ZoneIndex::new(l)
        .locate(p)
        .map(|i| l.zones[i as usize].code.as_str())
}

#[test]
fn shared_edge_goes_to_the_smaller_code_in_either_order() {
    // Left square coded "B", right square coded "A"; then the same with the codes swapped, and
    // with the zones listed in the other order.
    for (left, right) in [("B", "A"), ("A", "B")] {
        for flip in [false, true] {
            let mut zones = vec![
                (left, square(0.0, 0.0, 10.0)),
                (right, square(10.0, 0.0, 10.0)),
            ];
            if flip {
                zones.reverse();
            }
            let l = layer(zones);
            // On the shared edge, including its end points.
            for y in [0.0, 3.25, 10.0] {
                assert_eq!(code_at(&l, c(10.0, y)), Some("A"), "edge point y={y}");
            }
            // Inside each square.
            assert_eq!(code_at(&l, c(5.0, 5.0)), Some(left));
            assert_eq!(code_at(&l, c(15.0, 5.0)), Some(right));
            // On the outer boundary of one square only.
            assert_eq!(code_at(&l, c(0.0, 5.0)), Some(left));
            assert_eq!(code_at(&l, c(20.0, 7.5)), Some(right));
            assert_eq!(code_at(&l, c(5.0, 10.0)), Some(left));
            // Outside everything, also inside the envelope of the layer's union.
            assert_eq!(code_at(&l, c(-0.001, 5.0)), None);
            assert_eq!(code_at(&l, c(25.0, 5.0)), None);
            assert_eq!(code_at(&l, c(10.0, 10.5)), None);
        }
    }
}

#[test]
fn vertex_shared_by_four_squares_goes_to_the_smallest_code() {
    let codes = ["313550103", "313550101", "313550104", "313550102"];
    let origins = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (10.0, 10.0)];
    // Every rotation of the code assignment: the smallest code always wins the centre.
    for shift in 0..4 {
        let zones: Vec<_> = (0..4)
            .map(|k| {
                let (x, y) = origins[k];
                (codes[(k + shift) % 4], square(x, y, 10.0))
            })
            .collect();
        let l = layer(zones);
        assert_eq!(code_at(&l, c(10.0, 10.0)), Some("313550101"));
        // The corner of the block belongs to its only square.
        assert_eq!(code_at(&l, c(0.0, 0.0)), Some(codes[shift % 4]));
        assert_eq!(code_at(&l, c(20.0, 20.0)), Some(codes[(3 + shift) % 4]));
        // Midpoint of an inner edge shared by two squares.
        let (a, b) = (codes[shift % 4], codes[(1 + shift) % 4]);
        assert_eq!(code_at(&l, c(10.0, 5.0)), Some(a.min(b)));
    }
}

#[test]
fn byte_order_not_numeric_order() {
    // "10" < "9" in byte order.
    let l = layer(vec![
        ("9", square(0.0, 0.0, 1.0)),
        ("10", square(1.0, 0.0, 1.0)),
    ]);
    assert_eq!(code_at(&l, c(1.0, 0.5)), Some("10"));
}

#[test]
fn hole_is_outside_and_its_boundary_belongs_to_the_zone() {
    let ring = MultiPolygon::new(vec![wkt!(POLYGON(
        (0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),
        (4. 4., 6. 4., 6. 6., 4. 6., 4. 4.)
    ))]);
    let l = layer(vec![("R", ring)]);
    assert_eq!(code_at(&l, c(5.0, 5.0)), None);
    assert_eq!(code_at(&l, c(4.0, 5.0)), Some("R"));
    assert_eq!(code_at(&l, c(2.0, 5.0)), Some("R"));
    // An island zone filling the hole wins on its own interior, and by code on the hole edge.
    let l = layer(vec![
        ("R", l.zones[0].geometry.clone()),
        ("I", square(4.0, 4.0, 2.0)),
    ]);
    assert_eq!(code_at(&l, c(5.0, 5.0)), Some("I"));
    assert_eq!(code_at(&l, c(4.0, 5.0)), Some("I"));
    assert_eq!(code_at(&l, c(3.0, 5.0)), Some("R"));
}

#[test]
fn empty_layer_locates_nothing() {
    let l = layer(vec![]);
    let idx = ZoneIndex::new(&l);
    assert!(idx.is_empty());
    assert_eq!(idx.locate(c(0.0, 0.0)), None);
}

#[test]
fn place_all_only_places_precise_locations() {
    let communes = layer(vec![("21231", square(0.0, 0.0, 100.0))]);
    let iris = layer(vec![
        ("212310101", square(0.0, 0.0, 50.0)),
        ("212310102", square(50.0, 0.0, 50.0)),
    ]);
    let qpv = layer(vec![("QP021001", square(60.0, 10.0, 10.0))]);
    let qva = layer(vec![("QVA1", square(0.0, 0.0, 5.0))]);
    let at = |x, y, level| Location {
        point: Some(c(x, y)),
        level,
    };
    let locations = vec![
        at(65.0, 15.0, GeocodeLevel::Numero),
        at(65.0, 15.0, GeocodeLevel::Commune),
        Location {
            point: None,
            level: GeocodeLevel::NonTrouve,
        },
        Location {
            point: None,
            level: GeocodeLevel::Numero,
        },
        at(1.0, 1.0, GeocodeLevel::RplsXy),
        at(500.0, 1.0, GeocodeLevel::Voie),
    ];
    let set = ZoneSet {
        communes: &communes,
        iris: &iris,
        qpv: &qpv,
        qva: None,
    };
    let placed = place_all(&locations, &set);
    assert_eq!(
        placed[0],
        Placement {
            commune: Some(0),
            iris: Some(1),
            qpv: Some(0),
            qva: None
        }
    );
    assert_eq!(placed[1], Placement::default());
    assert_eq!(placed[2], Placement::default());
    assert_eq!(placed[3], Placement::default());
    assert_eq!(
        placed[4],
        Placement {
            commune: Some(0),
            iris: Some(0),
            qpv: None,
            qva: None
        }
    );
    assert_eq!(placed[5], Placement::default());
    let with_qva = ZoneSet {
        qva: Some(&qva),
        ..set
    };
    assert_eq!(place_all(&locations, &with_qva)[4].qva, Some(0));
    assert_eq!(place_all(&locations, &with_qva)[0].qva, None);
}

/// A tiling of `nx × ny` quadrilaterals: random column and row positions, interior vertices
/// jittered (so tiles are not rectangles), codes shuffled.
fn random_tiling(nx: usize, ny: usize, seed: u64) -> (ZoneLayer, Vec<Vec<Coord>>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cuts = |n: usize| {
        let mut v = vec![0.0];
        for _ in 0..n {
            let last = *v.last().unwrap();
            v.push(last + rng.gen_range(10.0..100.0));
        }
        v
    };
    let xs = cuts(nx);
    let ys = cuts(ny);
    let mut vertices = vec![vec![Coord { x: 0.0, y: 0.0 }; ny + 1]; nx + 1];
    for i in 0..=nx {
        for j in 0..=ny {
            let (mut x, mut y) = (xs[i], ys[j]);
            if i > 0 && i < nx {
                x += rng.gen_range(-2.0..2.0);
            }
            if j > 0 && j < ny {
                y += rng.gen_range(-2.0..2.0);
            }
            vertices[i][j] = Coord { x, y };
        }
    }
    let mut codes: Vec<String> = (0..nx * ny).map(|k| format!("Z{k:04}")).collect();
    for k in (1..codes.len()).rev() {
        codes.swap(k, rng.gen_range(0..=k));
    }
    let mut zones = Vec::new();
    for i in 0..nx {
        for j in 0..ny {
            let ring = vec![
                vertices[i][j],
                vertices[i + 1][j],
                vertices[i + 1][j + 1],
                vertices[i][j + 1],
                vertices[i][j],
            ];
            zones.push(Zone {
                code: codes[i * ny + j].clone(),
                name: String::new(),
                commune: String::new(),
                geometry: MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
            });
        }
    }
    let mut l = layer(vec![]);
    l.zones = zones;
    (l, vertices)
}

/// The boundary rule by brute force over all zones, with geo's `CoordinatePosition`.
fn brute_force(l: &ZoneLayer, p: Coord) -> Option<u32> {
    let mut inside = Vec::new();
    let mut boundary = Vec::new();
    for (i, z) in l.zones.iter().enumerate() {
        match z.geometry.coordinate_position(&p) {
            CoordPos::Inside => inside.push(i as u32),
            CoordPos::OnBoundary => boundary.push(i as u32),
            CoordPos::Outside => {}
        }
    }
    let pick = |v: &[u32]| {
        v.iter()
            .copied()
            .min_by(|&a, &b| l.zones[a as usize].code.cmp(&l.zones[b as usize].code))
    };
    pick(&inside).or_else(|| pick(&boundary))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: RngSeed::Fixed(20_240_101),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_tilings_match_brute_force(nx in 1usize..14, ny in 1usize..14, seed in any::<u64>()) {
        let (l, vertices) = random_tiling(nx, ny, seed);
        let idx = ZoneIndex::new(&l);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let (xmax, ymax) = (vertices[nx][ny].x, vertices[nx][ny].y);
        // Random points strictly inside the tiling: exactly one tile contains each.
        for _ in 0..400 {
            let p = Coord { x: rng.gen_range(0.0..xmax), y: rng.gen_range(0.0..ymax) };
            if p.x == 0.0 || p.y == 0.0 {
                continue;
            }
            let expected = brute_force(&l, p);
            prop_assert!(expected.is_some());
            prop_assert_eq!(idx.locate(p), expected, "point {:?}", p);
        }
        // Every grid vertex (shared by up to four tiles) and points just outside the frame.
        for col in &vertices {
            for &v in col {
                let expected = brute_force(&l, v);
                prop_assert!(expected.is_some());
                prop_assert_eq!(idx.locate(v), expected, "vertex {:?}", v);
            }
        }
        for p in [Coord { x: -1e-9, y: ymax / 2.0 }, Coord { x: xmax / 2.0, y: ymax + 1e-9 }] {
            prop_assert_eq!(idx.locate(p), None);
        }
    }
}
