//! The committed demo (`data/demo/`) is exactly what `opsgeo-synth` produces with the
//! parameters recorded in its `opsgeo.toml`, and generation is deterministic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use opsgeo_synth::{generate, SynthParams};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

/// Every regular file under `dir` (relative path → bytes), skipping hidden files (the demo's
/// `.gitattributes`) and an `out/` run folder.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if p.file_name().unwrap().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                if rel != Path::new("out") {
                    walk(root, &p, out);
                }
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Reads `--dwellings N --seed S` from the leading comment of the demo configuration.
fn recorded_params() -> SynthParams {
    let text = std::fs::read_to_string(demo_dir().join("opsgeo.toml")).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with('#'), "leading comment expected: {first}");
    let words: Vec<&str> = first.split_whitespace().collect();
    let after = |flag: &str| -> u64 {
        let i = words.iter().position(|w| *w == flag).unwrap();
        words[i + 1].parse().unwrap()
    };
    SynthParams {
        dwellings: after("--dwellings") as usize,
        seed: after("--seed"),
    }
}

fn assert_same(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let ka: Vec<_> = a.keys().collect();
    let kb: Vec<_> = b.keys().collect();
    assert_eq!(ka, kb, "{what}: different file lists");
    for (k, v) in a {
        assert!(v == &b[k], "{what}: {} differs", k.display());
    }
}

#[test]
fn demo_is_regenerated_byte_for_byte() {
    let params = recorded_params();
    assert_eq!((params.dwellings, params.seed), (30_000, 2022));
    let tmp = tempfile::tempdir().unwrap();
    let summary = generate(&params, tmp.path()).unwrap();
    let fresh = files(tmp.path());
    assert_eq!(fresh.len(), summary.files.len());
    let committed = files(&demo_dir());
    assert_same(&fresh, &committed, "data/demo vs regenerated");

    // The expected ingest balance documented in docs/donnees_demo.md matches the summary.
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/donnees_demo.md"),
    )
    .unwrap();
    let balance = |file: &str| -> [usize; 3] {
        let prefix = format!("| `{file}` | ");
        let line = doc
            .lines()
            .find(|l| l.starts_with(&prefix) && l.matches('|').count() == 5)
            .unwrap_or_else(|| panic!("bilan de {file} absent de la doc"));
        let v: Vec<usize> = line
            .split('|')
            .skip(2)
            .take(3)
            .map(|c| c.replace(' ', "").parse().unwrap())
            .collect();
        [v[0], v[1], v[2]]
    };
    let rejected = |file: &str| -> usize {
        summary
            .dirt
            .iter()
            .filter(|d| d.file == file)
            .map(|d| d.rows)
            .sum()
    };
    let expect = [
        ("rpls_2022.csv", summary.rows_written[0], summary.dwellings),
        (
            "ops_menages_2022.csv",
            summary.rows_written[1],
            summary.households,
        ),
        (
            "ops_occupants_2022.csv",
            summary.rows_written[2],
            summary.occupants,
        ),
    ];
    for (file, read, accepted) in expect {
        assert_eq!(read, accepted + rejected(file), "{file}");
        assert_eq!(balance(file), [read, accepted, rejected(file)], "{file}");
    }
    let ban = balance("ban/adresses-00.csv.gz");
    assert_eq!(ban, [summary.ban_addresses, summary.ban_addresses, 0]);
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let run = |seed| {
        let tmp = tempfile::tempdir().unwrap();
        generate(
            &SynthParams {
                dwellings: 600,
                seed,
            },
            tmp.path(),
        )
        .unwrap();
        files(tmp.path())
    };
    let a = run(5);
    let b = run(5);
    assert_same(&a, &b, "two runs with seed 5");
    let c = run(6);
    for name in [
        "rpls_2022.csv",
        "ops_menages_2022.csv",
        "ops_occupants_2022.csv",
        "ban/adresses-00.csv.gz",
    ] {
        let k = PathBuf::from(name);
        assert_ne!(a[&k], c[&k], "{name} should depend on the seed");
    }
    // The territory is fixed: zone layers do not depend on the seed.
    let k = PathBuf::from("zones/iris/iris.dbf");
    assert_eq!(a[&k], c[&k]);
}

#[test]
fn generating_twice_into_the_same_folder_overwrites_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let p = SynthParams {
        dwellings: 300,
        seed: 1,
    };
    generate(&p, tmp.path()).unwrap();
    let first = files(tmp.path());
    generate(&p, tmp.path()).unwrap();
    assert_same(&first, &files(tmp.path()), "rerun in place");
}
