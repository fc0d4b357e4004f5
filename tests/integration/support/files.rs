//! The checkout, the real data of `../shared`, synthetic input sets, folders and files.

use std::path::{Path, PathBuf};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the checkout (or `$OPSGEO_SHARED`), holding the real public test data.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("OPSGEO_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"))
}

/// True, with a message, when the real test data (`../shared`) is absent: the calling test
/// then returns early (a clone without the shared folder still runs every other test).
pub fn without_shared() -> bool {
    let dir = shared_dir();
    if dir.is_dir() {
        return false;
    }
    eprintln!(
        "test sauté : données réelles absentes ({} ; OPSGEO_SHARED pour un autre dossier)",
        dir.display()
    );
    true
}

/// A file of the real data set (see [`without_shared`]); panics if the shared folder is there
/// but the file is not.
pub fn real(rel: &str) -> PathBuf {
    let p = shared_dir().join("data/real").join(rel);
    assert!(
        p.exists(),
        "real test data missing: {} (set OPSGEO_SHARED to the shared folder)",
        p.display()
    );
    p
}

/// Writes the synthetic input set of `dwellings` dwellings and `seed` (and its `opsgeo.toml`)
/// into `out`, as `opsgeo-synth --dwellings N --seed S --out DIR` does.
pub fn synth(dwellings: usize, seed: u64, out: &Path) {
    opsgeo_synth::generate(&opsgeo_synth::SynthParams { dwellings, seed }, out)
        .unwrap_or_else(|e| panic!("opsgeo-synth {dwellings} {seed} {}: {e}", out.display()));
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A new temporary folder `<prefix>…` kept until the machine cleans its temporary folder: for
/// what a test process builds once and hands out as `&'static` (a `OnceLock`).
pub fn kept_tempdir(prefix: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("tempdir")
        .keep()
}

/// Copies the folder `src` into `dst` (created), sub-folders included.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Every file below `dir` (sub-folders walked, folders themselves left out), in no set order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The `manifest.json` of the output folder `out`.
pub fn manifest(out: &Path) -> serde_json::Value {
    let p = out.join("manifest.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A Windows-1252 text file (the RPLS of the demo and of the synthetic sets).
pub fn read_latin1(p: &Path) -> String {
    encoding_rs::WINDOWS_1252
        .decode(&std::fs::read(p).unwrap())
        .0
        .into_owned()
}

pub fn write_latin1(p: &Path, text: &str) {
    std::fs::write(p, encoding_rs::WINDOWS_1252.encode(text).0).unwrap();
}

/// The `IDENT_REP` values (6 characters or more) of an RPLS file: what no output, message or
/// rejects file may show.
pub fn rpls_idents(rpls: &Path) -> Vec<String> {
    let text = read_latin1(rpls);
    let mut lines = text.lines();
    let header = lines.next().expect("RPLS header");
    let column = header
        .split(';')
        .position(|h| h == "IDENT_REP")
        .unwrap_or_else(|| panic!("no IDENT_REP column in {}", rpls.display()));
    lines
        .filter_map(|l| l.split(';').nth(column))
        .filter(|id| id.len() >= 6)
        .map(str::to_string)
        .collect()
}
