//! Acceptance in headless QGIS: every layer of the demo output opens with its default style
//! (stored in the GeoPackage, or beside each FlatGeobuf file) and renders to PNG; the QGIS
//! project opens and its print layout exports to PDF; every committed style file loads.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::demo::demo_out;
use crate::support::*;

fn qgis_available() -> bool {
    Command::new("/usr/bin/python3")
        .args(["-c", "import qgis.core"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn qgis_script(script: &str, args: &[&Path]) -> String {
    assert!(
        qgis_available(),
        "headless QGIS is missing: install `qgis python3-qgis` (tests.sh does)"
    );
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(root().join("tests/qgis").join(script))
        .args(args)
        .env("QT_QPA_PLATFORM", "offscreen");
    run_ok(&mut cmd)
}

/// A copy of the shared demo output, made once for the tests of this module: QGIS may open the
/// GeoPackage for update (journal files beside it) and the renders are written into the folder,
/// while the other tests read the shared one.
fn qgis_out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = kept_tempdir("opsgeo-qgis-").join("out");
        copy_dir(demo_out(), &out);
        out
    })
}

#[test]
fn qgis_opens_every_layer_with_its_default_style_and_renders_it() {
    let out = qgis_out();
    let png_dir = out.join("png-couches");
    std::fs::create_dir_all(&png_dir).unwrap();
    let stdout = qgis_script(
        "check_layers.py",
        &[&out.join("opsgeo.gpkg"), &png_dir, &out.join("fgb")],
    );
    let lines: Vec<&str> = report_lines(&stdout);
    assert!(lines.iter().all(|l| l.contains(": OK")), "{stdout}");
    // 36 layers + the long table, then the 36 FlatGeobuf files (other stages may add layers)
    assert!(lines.len() >= 37 + 36, "{stdout}");
    let styled = lines
        .iter()
        .filter(|l| l.contains("RuleRenderer[6 règles]"))
        .count();
    assert_eq!(styled, 36 + 36, "{stdout}");
    for l in lines.iter().filter(|l| !l.starts_with("fgb/")) {
        let name = l.split(':').next().unwrap();
        // the long table (a view) and its tables: no geometry, nothing to render
        if !name.starts_with("indicateurs") {
            assert!(png_dir.join(format!("{name}.png")).exists(), "{name}");
        }
    }
}

#[test]
fn qgis_opens_the_project_and_exports_its_print_layout_to_pdf() {
    let out = qgis_out();
    let pdf = out.join("carte_a4.pdf");
    let png = out.join("carte_a4.png");
    let stdout = qgis_script("check_project.py", &[&out.join("opsgeo.qgs"), &pdf, &png]);
    assert!(stdout.lines().any(|l| l == "OK"), "{stdout}");
    assert!(stdout.contains("scr: EPSG:2154"), "{stdout}");
    assert!(stdout.contains("couches: 37"), "{stdout}");
    assert!(stdout.contains("page_mm: 297 x 210"), "{stdout}");
    assert!(
        stdout.contains("groupes: Cages d'escalier | Bâtiments | Programmes-résidences | IRIS"),
        "{stdout}"
    );
    let head = std::fs::read(&pdf).unwrap();
    assert!(head.starts_with(b"%PDF"), "not a PDF");
    assert!(head.len() > 10_000, "PDF too small: {} bytes", head.len());
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
}

#[test]
fn every_committed_style_file_loads_in_qgis() {
    let out = qgis_out();
    let png_dir = out.join("png-styles");
    std::fs::create_dir_all(&png_dir).unwrap();
    let stdout = qgis_script(
        "check_styles.py",
        &[
            &root().join("styles"),
            &out.join("opsgeo.gpkg"),
            Path::new("iris_ensemble"),
            Path::new("programmes_ensemble"),
            &png_dir,
        ],
    );
    let lines: Vec<&str> = report_lines(&stdout);
    let files = ["polygones", "points"]
        .iter()
        .map(|d| {
            std::fs::read_dir(root().join("styles").join(d))
                .unwrap()
                .count()
        })
        .sum::<usize>();
    assert_eq!(lines.len(), files, "{stdout}");
    assert!(lines.iter().all(|l| l.ends_with(": OK")), "{stdout}");
}

#[test]
fn shared_render_tool_renders_a_graduated_layer() {
    if without_shared() {
        return;
    }
    assert!(qgis_available(), "headless QGIS is missing");
    let tool = shared_dir().join("tools/qgis_render.py");
    assert!(tool.exists(), "{} missing", tool.display());
    let out = qgis_out();
    let png = out.join("iris_graduated.png");
    let stdout = run_ok(
        Command::new("/usr/bin/python3")
            .arg(&tool)
            .arg(out.join("opsgeo.gpkg"))
            .arg("iris_ensemble")
            .arg(&png)
            .arg("--graduated")
            .arg("nb_logements")
            .env("QT_QPA_PLATFORM", "offscreen"),
    );
    // the default style stored in the GeoPackage is what QGIS applies on load
    assert!(
        stdout.contains("renderer after load: RuleRenderer"),
        "{stdout}"
    );
    assert!(stdout.contains("graduatedSymbol"), "{stdout}");
    assert!(std::fs::metadata(&png).unwrap().len() > 0);
}

/// The scripts' report lines (`name: OK` or `name: ECHEC …`), without QGIS's own log lines: a
/// QGIS profile created on a new machine prints « WARNING: Auth db query exec() FAILED » on
/// stdout (regression: the style test counted it as a 285th style file).
fn report_lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.contains(": "))
        .filter(|l| {
            !["WARNING:", "Warning:", "CRITICAL:", "INFO:", "DEBUG:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect()
}
