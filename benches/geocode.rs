//! Geocoding throughput on the synthetic BAN of `opsgeo-synth-ban` (fixed seed).
//!
//! `cargo bench --bench geocode`: 200 000 BAN addresses and 100 000 RPLS-style queries
//! (`OPSGEO_BENCH_ADDRESSES` / `OPSGEO_BENCH_QUERIES` change the sizes). Prints the index build
//! time, its size and the process's resident memory, then criterion's addresses per second on one
//! thread and on the rayon pool. In test mode (`cargo test --benches`) the sizes are 20 000 and
//! 5 000. The 1 000 000 × 1 000 000 figures of the README come from `benches/geocode_1m.sh`.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use opsgeo::geocode::batch::AddressFields;
use opsgeo::geocode::{geocode_addresses, BanIndex, GeocodeLevel};
use opsgeo::model::AddressBook;
use opsgeo_synth::ban_bench::{write_ban_bench, BanBenchParams};

fn size(var: &str, bench: usize, test: usize) -> usize {
    let benching = std::env::args().any(|a| a == "--bench");
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { bench } else { test })
}

/// Resident and peak resident memory of the process, MB (Linux).
fn memory_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
}

/// The distinct addresses of the query file.
fn queries(path: &std::path::Path) -> AddressBook {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .expect("queries");
    let mut book = AddressBook::default();
    for rec in r.records() {
        let rec = rec.expect("record");
        let f = |i: usize| rec.get(i).unwrap_or("");
        book.intern(
            AddressFields {
                numvoie: f(1),
                indrep: f(2),
                typvoie: f(3),
                nomvoie: f(4),
                codepostal: f(5),
                libcom: f(6),
                depcom: f(7),
                lieudit: "",
            }
            .to_raw(),
        );
    }
    book.shrink();
    book
}

fn bench(c: &mut Criterion) {
    let params = BanBenchParams {
        addresses: size("OPSGEO_BENCH_ADDRESSES", 200_000, 20_000),
        queries: size("OPSGEO_BENCH_QUERIES", 100_000, 5_000),
        seed: 2022,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let set = write_ban_bench(&params, dir.path()).expect("synthetic BAN");

    let (rss0, _) = memory_mb();
    let t = Instant::now();
    let ban = BanIndex::load(std::slice::from_ref(&set.ban)).expect("load");
    let (rss1, peak) = memory_mb();
    eprintln!(
        "index : {} adresses, {} voies, {} communes, construit en {:.2} s ; ~{:.1} Mo (estimation), +{:.0} Mo résidents (pic du processus {:.0} Mo)",
        ban.addresses,
        ban.streets(),
        ban.communes(),
        t.elapsed().as_secs_f64(),
        ban.heap_bytes() as f64 / 1e6,
        rss1 - rss0,
        peak
    );
    let book = queries(&set.queries_file);
    let results = geocode_addresses(&book, &ban);
    let numero = results
        .iter()
        .filter(|r| r.level == GeocodeLevel::Numero)
        .count();
    eprintln!(
        "{} requêtes, {} adresses distinctes, {numero} au numéro",
        params.queries,
        book.len()
    );
    assert!(
        numero * 2 > book.len(),
        "most queries are found at the number"
    );

    let mut g = c.benchmark_group("geocode");
    g.sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(8))
        .throughput(Throughput::Elements(book.len() as u64));
    g.bench_function("un_fil", |b| {
        b.iter(|| {
            book.addresses
                .iter()
                .map(|a| ban.geocode(a).level)
                .filter(|l| *l == GeocodeLevel::Numero)
                .count()
        })
    });
    g.bench_function("rayon", |b| b.iter(|| geocode_addresses(&book, &ban).len()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
