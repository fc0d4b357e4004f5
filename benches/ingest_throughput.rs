//! RPLS parsing throughput on a generated national-size-like file (not run by default).
//!
//! ```text
//! INGEST_BENCH_ROWS=2000000 cargo bench --bench ingest_throughput
//! ```
//! The file (Latin-1, `;`, CRLF, ~60 dwellings per address, half the rows with an X/Y) is written
//! to a temporary folder and removed afterwards (or kept at `INGEST_BENCH_FILE` when set).

// the helpers of the integration tests (each bench uses a few of them; without the feature,
// the module allows what is unused itself)
#[path = "../tests/integration/support/mod.rs"]
#[cfg_attr(feature = "tests-complets", allow(dead_code, unused_imports))]
mod support;

use std::io::Write;
use std::time::Instant;

use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::rpls::read_rpls;
use opsgeo::ingest::source::CsvSource;

use support::ingest::{input, territory};

/// CPU time of the calling thread (Linux `schedstat`), so that the figure does not depend on
/// how busy the machine is; falls back to wall time elsewhere.
fn thread_cpu_s() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn generate(path: &std::path::Path, rows: u64) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    w.write_all(b"IDENT_REP;IDENT_ORG;RS;DEPCOM;CODEPOSTAL;LIBCOM;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;LIEUDIT;IMMEU;BAT;ESC;ENTREE;NBPIECE;SURFHAB;LOCAT;FINAN;DPEDATE;DPEENERGIE;MODE;BAIL;LOYERPRINC;QPV;X;Y;EPSG;PLG_QVA\r\n").unwrap();
    const FINAN: [u8; 6] = [11, 12, 13, 14, 16, 50];
    for i in 0..rows {
        let org = i / 250_000;
        let prog = i / 120;
        let addr = i / 60;
        let (depcom, cp, com) = if addr % 3 == 0 {
            ("21166", "21300", &b"CHEN\xd4VE"[..])
        } else {
            ("21231", "21000", &b"DIJON"[..])
        };
        write!(
            w,
            "{i:010};{:09};OFFICE {org};{depcom};{cp};",
            210_000_000 + org
        )
        .unwrap();
        w.write_all(com).unwrap();
        // the whole file is Latin-1: « é » is the byte E9 (not UTF-8, which would make a
        // mixed-encoding file whose Latin-1 rows are rejected)
        let mut rest = Vec::with_capacity(160);
        write!(
            rest,
            ";{:04};{};RUE;DE LA R\u{e9}PUBLIQUE {};;P{prog:06};{};{};;{};{},{};{};{};{};{};{};{}/20{:02};{};{};",
            addr % 97 + 1,
            if addr % 11 == 0 { "B" } else { "9" },
            addr / 97,
            (i / 30) % 4,
            (i / 10) % 3 + 1,
            i % 5 + 1,
            30 + i % 90,
            i % 10,
            1950 + i % 70,
            FINAN[(i % 6) as usize],
            if i % 9 == 0 { "01/1900" } else { "06/2018" },
            ["A", "B", "C", "D", "E", "F", "G"][(i % 7) as usize],
            if i % 20 == 0 { 2 } else { 1 },
            i % 12 + 1,
            i % 22,
            if i % 20 == 0 { "9999".to_string() } else { format!("{},{:02}", 250 + i % 400, i % 100) },
            i % 2 + 1,
        )
        .unwrap();
        let rest: Vec<u8> = String::from_utf8(rest)
            .unwrap()
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect();
        w.write_all(&rest).unwrap();
        if i % 2 == 0 {
            write!(
                w,
                "{}.5;{}.25;2154;",
                851_000 + (addr * 37) % 8_000,
                6_676_000 + (addr * 53) % 18_000
            )
            .unwrap();
        } else {
            w.write_all(b";;;").unwrap();
        }
        if i % 4 == 0 {
            w.write_all(b"QVA21231A").unwrap();
        }
        w.write_all(b"\r\n").unwrap();
    }
    w.flush().unwrap();
}

fn rpls_throughput() {
    let rows: u64 = std::env::var("INGEST_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let dir = tempfile::tempdir().unwrap();
    // INGEST_BENCH_FILE: keep (and reuse) the generated file at that path, e.g. for profiling
    let path = match std::env::var_os("INGEST_BENCH_FILE") {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("rpls_bench.csv"),
    };
    if !path.exists() {
        generate(&path, rows);
    }
    let size = std::fs::metadata(&path).unwrap().len();

    // baseline: decoding every field of every row, nothing else
    let t0 = Instant::now();
    let c0 = thread_cpu_s();
    let mut src = CsvSource::open(&path, "auto", "auto").unwrap();
    let open_s = t0.elapsed().as_secs_f64();
    let mut bytes = 0usize;
    let skip_baseline = std::env::var_os("INGEST_BENCH_NO_BASELINE").is_some();
    src.for_each_row(|r| {
        if skip_baseline {
            return Ok(());
        }
        for i in 0..r.len() {
            bytes += r.get(i).len();
        }
        Ok::<(), opsgeo::ingest::IngestError>(())
    })
    .unwrap();
    let base = t0.elapsed().as_secs_f64();
    let base_cpu = c0.and_then(|c| Some(thread_cpu_s()? - c)).unwrap_or(base);

    let t = territory();
    let t1 = Instant::now();
    let c1 = thread_cpu_s();
    let mut rejects = RejectLog::new();
    let data = read_rpls(&input(path.clone()), &t, &mut rejects).unwrap();
    let full = t1.elapsed().as_secs_f64();
    let cpu = c1.and_then(|c| Some(thread_cpu_s()? - c)).unwrap_or(full);
    assert_eq!(data.stats.read, rows);
    assert!(data.stats.reconciles());
    assert_eq!(
        data.stats.rejected,
        0,
        "{:?}",
        &rejects.rejects()[..rejects.len().min(3)]
    );
    assert_eq!(data.xy_used, rows.div_ceil(2));
    eprintln!(
        "RPLS {rows} lignes, {:.0} Mo ({}), {} adresses, {} cages\n  \
         lecture CSV seule (encodage détecté en {open_s:.2} s) : {base:.2} s écoulées, {base_cpu:.2} s CPU = {:.0} lignes/s CPU ({bytes} octets décodés)\n  \
         read_rpls complet : {full:.2} s écoulées, {cpu:.2} s CPU = {:.0} lignes/s CPU ({:.0} lignes/s écoulées)",
        size as f64 / 1e6,
        data.stats.format,
        data.addresses.len(),
        data.structure.stairwells.len(),
        rows as f64 / base_cpu,
        rows as f64 / cpu,
        rows as f64 / full,
    );
}

fn main() {
    // `cargo test --benches` starts every bench once without `--bench`: a measurement only
    // runs under `cargo bench`
    if !std::env::args().any(|a| a == "--bench") {
        println!("mesure non lancée : cargo bench --bench ingest_throughput");
        return;
    }
    rpls_throughput();
}
