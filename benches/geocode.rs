//! Geocoding throughput on a synthetic BAN (fixed seed): ~200 000 addresses written to a
//! temporary `adresses-XX.csv`, 100 000 RPLS-style queries.
//!
//! `cargo bench --bench geocode` (a short run: 10 samples). Prints the index build time and
//! size, then criterion's addresses per second for one thread and for the rayon pool.

use std::fmt::Write as _;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use opsgeo::geocode::{geocode_addresses, BanIndex, GeocodeLevel};
use opsgeo::model::{AddressBook, RawAddress};

const COMMUNES: u32 = 50;
const STREETS_PER_COMMUNE: u32 = 200;
const NUMBERS_PER_STREET: u32 = 20;
const QUERIES: usize = 100_000;

const TYPES: [(&str, &str); 6] = [
    ("Rue", "R"),
    ("Avenue", "AV"),
    ("Boulevard", "BD"),
    ("Place", "PL"),
    ("Impasse", "IMP"),
    ("Allée", "ALL"),
];
const WORDS: [&str; 16] = [
    "Général",
    "Victor",
    "Hugo",
    "Saint",
    "Michel",
    "Pasteur",
    "Jean",
    "Jaurès",
    "Liberté",
    "Marne",
    "Forges",
    "Château",
    "Église",
    "Moulin",
    "Tilleuls",
    "Gare",
];

struct Street {
    commune: String,
    ty: usize,
    name: String,
}

fn synthetic(rng: &mut ChaCha8Rng) -> (String, Vec<Street>) {
    let mut csv = String::from("id;numero;rep;nom_voie;code_postal;code_insee;nom_commune;x;y\n");
    let mut streets = Vec::new();
    for c in 0..COMMUNES {
        let commune = format!("21{:03}", 100 + c);
        for s in 0..STREETS_PER_COMMUNE {
            let ty = rng.gen_range(0..TYPES.len());
            let name = format!(
                "de la {} {} {}",
                WORDS[rng.gen_range(0..WORDS.len())],
                WORDS[rng.gen_range(0..WORDS.len())],
                s
            );
            let nom_voie = format!("{} {}", TYPES[ty].0, name);
            let (x0, y0) = (
                rng.gen_range(800_000.0..900_000.0),
                rng.gen_range(6_600_000.0..6_700_000.0),
            );
            for n in 1..=NUMBERS_PER_STREET {
                let rep = if rng.gen_bool(0.05) { "bis" } else { "" };
                let id = format!("{commune}_{s:04x}_{n:05}");
                let id = if rep.is_empty() {
                    id
                } else {
                    format!("{id}_{rep}")
                };
                let _ = writeln!(
                    csv,
                    "{id};{n};{rep};{nom_voie};21000;{commune};Commune {c};{:.2};{:.2}",
                    x0 + 7.5 * n as f64,
                    y0 + 3.0 * n as f64
                );
            }
            streets.push(Street {
                commune: commune.clone(),
                ty,
                name,
            });
        }
    }
    (csv, streets)
}

/// `QUERIES` distinct RPLS-style addresses: 1 in 7 on an unknown street, 1 in 11 with an index
/// `B`, numbers up to 2 past the street's last one.
fn queries(rng: &mut ChaCha8Rng, streets: &[Street]) -> AddressBook {
    let mut book = AddressBook::default();
    let mut i = 0usize;
    while book.len() < QUERIES {
        let s = streets.choose(rng).expect("streets");
        let name = if i.is_multiple_of(7) {
            format!("{} INCONNUE", s.name.to_uppercase())
        } else {
            s.name
                .to_uppercase()
                .replace("SAINT", "ST")
                .replace("GÉNÉRAL", "GAL")
        };
        book.intern(RawAddress {
            depcom: s.commune.clone(),
            postcode: "21000".into(),
            commune_name: "COMMUNE CEDEX".into(),
            number: format!("{:04}", rng.gen_range(1..=NUMBERS_PER_STREET + 2)),
            index: if i.is_multiple_of(11) {
                "B".into()
            } else {
                String::new()
            },
            street_type: TYPES[s.ty].1.into(),
            street_name: name,
            locality: String::new(),
        });
        i += 1;
    }
    book
}

fn bench(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(20220101);
    let (csv, streets) = synthetic(&mut rng);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("adresses-99.csv");
    std::fs::write(&path, csv).expect("write synthetic BAN");

    let t = Instant::now();
    let ban = BanIndex::load(std::slice::from_ref(&path)).expect("load");
    eprintln!(
        "index: {} addresses, {} streets, built in {:.2} s, ~{:.1} MB",
        ban.addresses,
        ban.streets(),
        t.elapsed().as_secs_f64(),
        ban.heap_bytes() as f64 / 1e6
    );
    let book = queries(&mut rng, &streets);
    let results = geocode_addresses(&book, &ban);
    let found = results
        .iter()
        .filter(|r| r.level != GeocodeLevel::NonTrouve)
        .count();
    eprintln!("{} distinct queries, {found} found", book.len());

    let mut g = c.benchmark_group("geocode");
    g.sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(6))
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
