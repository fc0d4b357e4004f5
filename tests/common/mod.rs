//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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

/// The opsgeo binary built by cargo for the integration tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_opsgeo"))
}

pub fn opsgeo(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(root())
        .output()
        .expect("run opsgeo")
}

/// The demo run, done once per test binary into a temporary folder kept for the process.
/// The output folder of the shared demo run, which must have succeeded.
#[allow(dead_code)]
pub fn demo_out() -> &'static Path {
    let (out, o) = demo_run();
    assert!(
        o.status.success(),
        "demo run failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

pub fn demo_run() -> &'static (PathBuf, Output) {
    static RUN: OnceLock<(PathBuf, Output)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("opsgeo-demo-")
            .tempdir()
            .expect("tempdir")
            .keep();
        let out = dir.join("out");
        let output = opsgeo(&[
            "run",
            "--config",
            root().join("data/demo/opsgeo.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        (out, output)
    })
}

/// Runs a command and returns its stdout, panicking with stderr on failure.
pub fn run_ok(cmd: &mut Command) -> String {
    let o = cmd.output().expect("spawn");
    assert!(
        o.status.success(),
        "{:?} failed: {}\n{}",
        cmd,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether a program is on PATH.
pub fn has_program(name: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Field access by name for GDAL features (the gdal crate reads by index).
pub trait FeatureExt {
    fn i64_of(&self, name: &str) -> Option<i64>;
    fn f64_of(&self, name: &str) -> Option<f64>;
    fn str_of(&self, name: &str) -> Option<String>;
    fn is_null(&self, name: &str) -> bool;
}

impl FeatureExt for gdal::vector::Feature<'_> {
    fn i64_of(&self, name: &str) -> Option<i64> {
        let i = self.field_index(name).expect("field exists");
        self.field_as_integer64(i).unwrap()
    }
    fn f64_of(&self, name: &str) -> Option<f64> {
        let i = self.field_index(name).expect("field exists");
        self.field_as_double(i).unwrap()
    }
    fn str_of(&self, name: &str) -> Option<String> {
        let i = self.field_index(name).expect("field exists");
        self.field_as_string(i).unwrap()
    }
    fn is_null(&self, name: &str) -> bool {
        let i = self.field_index(name).expect("field exists");
        self.field(i).unwrap().is_none()
    }
}
