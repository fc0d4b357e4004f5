//! The demo run shared by the tests that only read its outputs (`audit_demo`, `cli_run`,
//! `geocode_review`, `indicators_demo`, `qgis_acceptance`): `opsgeo run` on `data/demo`, done
//! once per test process into a temporary folder kept for the process.
//!
//! Nothing may write into that folder: a test that needs to change a file, or to run a tool
//! that might, works on a copy ([`super::files::copy_dir`]).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use gdal::Dataset;

use super::files::{kept_tempdir, path_str, root};
use super::process::{assert_ok, opsgeo};

/// The shared demo run: its output folder and the finished process (summary on stdout), whether
/// it succeeded or not.
pub fn demo_run() -> &'static (PathBuf, Output) {
    static RUN: OnceLock<(PathBuf, Output)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = kept_tempdir("opsgeo-demo-").join("out");
        let config = root().join("data/demo/opsgeo.toml");
        let output = opsgeo(&[
            "run",
            "--config",
            path_str(&config),
            "--out",
            path_str(&out),
        ]);
        (out, output)
    })
}

/// The output folder of the shared demo run, which must have succeeded.
pub fn demo_out() -> &'static Path {
    let (out, o) = demo_run();
    assert_ok(o, "the demo run");
    out
}

/// The GeoPackage of the shared demo run, opened read-only.
pub fn demo_gpkg() -> Dataset {
    Dataset::open(demo_out().join("opsgeo.gpkg")).expect("open the demo's GeoPackage")
}
