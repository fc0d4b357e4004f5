//! Secrecy benchmarks on the embedded demo (30,000 dwellings):
//! * `secrecy/demo_run`: the whole `opsgeo run` (secondary suppression and audit included);
//! * `secrecy/audit_demo`: `opsgeo audit` of the published GeoPackage alone.
//!
//! The stage times of a run (`secret`, `audit`) are in its manifest; this bench measures them
//! end to end. Run with `cargo bench --bench secrecy -- --sample-size 10`.
//! For the 300,000-dwelling figure:
//! `opsgeo synth --dwellings 300000 --seed 7 --out /tmp/s300k && opsgeo run --config
//! /tmp/s300k/opsgeo.toml --out /tmp/s300k-out` (see `durees_secondes` in the manifest).

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use opsgeo::config::{Config, SecrecySection};
use opsgeo::pipeline::{run, RunOptions};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfg = Config::load(&root.join("data/demo/opsgeo.toml")).expect("demo configuration");
    let out = tempfile::tempdir().expect("tempdir");
    let opts = RunOptions {
        out_dir: out.path().to_path_buf(),
        progress: false,
    };
    let mut g = c.benchmark_group("secrecy");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("demo_run", |b| {
        b.iter(|| run(&cfg, &opts).expect("demo run"))
    });
    let gpkg = out.path().join("opsgeo.gpkg");
    g.bench_function("audit_demo", |b| {
        b.iter(|| {
            let r = opsgeo::audit::audit_file(&gpkg, &SecrecySection::default()).expect("audit");
            assert!(r.passed());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
