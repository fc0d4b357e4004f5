//! Secrecy benchmarks:
//! * `secrecy/demo_run`: the whole `opsgeo run` on the embedded demo (30,000 dwellings),
//!   secondary suppression and the run's audit (with the search's proofs) included;
//! * `secrecy/audit_600`: `opsgeo audit` of a publication alone (linear programs only, without
//!   the run's proofs) on a 600-dwelling synthetic territory. The standalone audit grows much
//!   faster than the data (about 5 s at 600 dwellings, 6 min at 3,000 on a 2-core machine):
//!   see the README's limits.
//!
//! The stage times of a run (`secret`, `audit`) are in its manifest; this bench measures them
//! end to end. Run with `cargo bench --bench secrecy`.
//! For the 300,000-dwelling figure:
//! `opsgeo-synth --dwellings 300000 --seed 7 --out /tmp/s300k && opsgeo run --config
//! /tmp/s300k/opsgeo.toml --out /tmp/s300k-out` (see `durees_secondes` in the manifest).

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use opsgeo::config::{Config, SecrecySection};
use opsgeo::pipeline::{run, RunOptions};
use opsgeo_synth::{generate, SynthParams};

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
    // a small territory, published once, audited alone
    let small = tempfile::tempdir().expect("tempdir");
    let data = small.path().join("data");
    generate(
        &SynthParams {
            dwellings: 600,
            seed: 11,
        },
        &data,
    )
    .expect("synthetic territory");
    let small_cfg = Config::load(&data.join("opsgeo.toml")).expect("synthetic configuration");
    let small_out = small.path().join("out");
    run(
        &small_cfg,
        &RunOptions {
            out_dir: small_out.clone(),
            progress: false,
        },
    )
    .expect("synthetic run");
    let gpkg = small_out.join("opsgeo.gpkg");
    g.bench_function("audit_600", |b| {
        b.iter(|| {
            let r =
                opsgeo::audit::audit_file(&gpkg, &SecrecySection::default(), false).expect("audit");
            assert!(r.passed());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
