//! Join benchmarks against the real Toulouse IRIS (849 polygons, Lambert-93):
//! * `index/build`: building the [`ZoneIndex`] (R-tree bulk load + strip indexes);
//! * `locate/*`: 1,000,000 fixed-seed random points in the layer's bounding box, one thread
//!   (`ZoneIndex::locate`) and all threads (as `place_all` does);
//! * `exact_test/*`: 20,000 points through the R-tree, comparing the exact test used
//!   (strip index) with geo's `CoordinatePosition` and `PreparedGeometry` + `Relate`.
//!
//! Run with `cargo bench --bench join -- --sample-size 10`. Skipped when the data is missing.

use std::path::Path;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use geo::coordinate_position::CoordPos;
use geo::{
    BoundingRect, CoordinatePosition, CoordsIter, Densify, Euclidean, Point, PreparedGeometry,
    Relate,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use opsgeo::config::ZoneInput;
use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::zones::{read_zone_layer, ZoneKind, ZoneLayer};
use opsgeo::join::pip::StripIndex;
use opsgeo::join::ZoneIndex;
use opsgeo::model::Coord;

const IRIS: &str = "iris_sample_haute_garonne/lomsansnom_iris_decoded_L93.geojson";

fn load_iris() -> Option<ZoneLayer> {
    // the real data live in `../shared` beside the checkout, or where OPSGEO_SHARED says
    let shared = std::env::var_os("OPSGEO_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let path = shared.join("data/real").join(IRIS);
    if !path.exists() {
        eprintln!("benchmark join ignoré : {} introuvable", path.display());
        return None;
    }
    let input = ZoneInput {
        path,
        layer: String::new(),
        code: "CODE_IRIS".into(),
        name: "NOM_IRIS".into(),
        commune: "INSEE_COM".into(),
        vintage: String::new(),
        assume_epsg: None,
    };
    Some(read_zone_layer(&input, ZoneKind::Iris, &mut RejectLog::new()).expect("IRIS layer"))
}

fn random_points(layer: &ZoneLayer, n: usize, seed: u64) -> Vec<Coord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for z in &layer.zones {
        let r = z.geometry.bounding_rect().unwrap();
        x0 = x0.min(r.min().x);
        y0 = y0.min(r.min().y);
        x1 = x1.max(r.max().x);
        y1 = y1.max(r.max().y);
    }
    (0..n)
        .map(|_| Coord {
            x: rng.gen_range(x0..x1),
            y: rng.gen_range(y0..y1),
        })
        .collect()
}

fn bench_join(c: &mut Criterion) {
    let Some(layer) = load_iris() else { return };

    let mut g = c.benchmark_group("index");
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("build", |b| b.iter(|| black_box(ZoneIndex::new(&layer))));
    g.finish();

    let index = ZoneIndex::new(&layer);
    let points = random_points(&layer, 1_000_000, 42);
    let located = points
        .iter()
        .filter(|p| index.locate(**p).is_some())
        .count();
    eprintln!(
        "{} IRIS, {} points, {} dans un IRIS ; index : {:.1} Mo",
        layer.zones.len(),
        points.len(),
        located,
        index.heap_bytes() as f64 / 1e6
    );

    let mut g = c.benchmark_group("locate");
    g.throughput(Throughput::Elements(points.len() as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("1M_points_1_thread", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|p| index.locate(**p).is_some())
                .count()
        })
    });
    g.bench_function("1M_points_rayon", |b| {
        b.iter(|| {
            points
                .par_iter()
                .filter(|p| index.locate(**p).is_some())
                .count()
        })
    });
    g.finish();

    // Alternatives for the exact test, behind the same R-tree.
    let few = &points[..20_000];
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>> = RTree::bulk_load(
        layer
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| {
                let r = z.geometry.bounding_rect().unwrap();
                GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i as u32,
                )
            })
            .collect(),
    );
    let prepared: Vec<_> = layer
        .zones
        .iter()
        .map(|z| PreparedGeometry::from(z.geometry.clone()))
        .collect();
    let strips: Vec<StripIndex> = layer
        .zones
        .iter()
        .map(|z| StripIndex::new(&z.geometry))
        .collect();
    // Each variant tests every R-tree candidate (as the boundary rule needs) and counts the
    // (point, zone) pairs that are not outside.
    let mut g = c.benchmark_group("exact_test");
    g.throughput(Throughput::Elements(few.len() as u64));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("rtree_candidates_only", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| tree.locate_all_at_point(&[p.x, p.y]).count())
                .sum::<usize>()
        })
    });
    g.bench_function("rtree_candidates_only_internal_iteration", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| {
                    let mut n = 0usize;
                    let _ = tree.locate_all_at_point_int(&[p.x, p.y], |_| {
                        n += 1;
                        std::ops::ControlFlow::<()>::Continue(())
                    });
                    n
                })
                .sum::<usize>()
        })
    });
    g.bench_function("strip_index", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| {
                    tree.locate_all_at_point(&[p.x, p.y])
                        .filter(|e| strips[e.data as usize].position(*p) != CoordPos::Outside)
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("coordinate_position", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| {
                    tree.locate_all_at_point(&[p.x, p.y])
                        .filter(|e| {
                            layer.zones[e.data as usize].geometry.coordinate_position(p)
                                != CoordPos::Outside
                        })
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("prepared_relate", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| {
                    let pt = Point::from(*p);
                    tree.locate_all_at_point(&[p.x, p.y])
                        .filter(|e| prepared[e.data as usize].relate(&pt).is_intersects())
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.finish();

    // The same with IRIS densified to 5 m segments: polygons of thousands of vertices, as in
    // detailed commune layers.
    let dense: Vec<_> = layer
        .zones
        .iter()
        .map(|z| Euclidean.densify(&z.geometry, 5.0))
        .collect();
    let dense_strips: Vec<StripIndex> = dense.iter().map(StripIndex::new).collect();
    let vertices: usize = dense.iter().map(|g| g.coords_count()).sum();
    eprintln!(
        "densifié : {vertices} sommets ({:.0} par IRIS)",
        vertices as f64 / dense.len() as f64
    );
    let mut g = c.benchmark_group("exact_test_dense");
    g.throughput(Throughput::Elements(few.len() as u64));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("strip_index", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| {
                    tree.locate_all_at_point(&[p.x, p.y])
                        .filter(|e| dense_strips[e.data as usize].position(*p) != CoordPos::Outside)
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("coordinate_position", |b| {
        b.iter(|| {
            few.iter()
                .map(|p| {
                    tree.locate_all_at_point(&[p.x, p.y])
                        .filter(|e| {
                            dense[e.data as usize].coordinate_position(p) != CoordPos::Outside
                        })
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_join);
criterion_main!(benches);
