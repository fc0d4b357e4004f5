//! Acceptance: headless QGIS opens and renders every layer of the demo output.

mod common;

use std::process::Command;

use common::*;

fn qgis_available() -> bool {
    Command::new("/usr/bin/python3")
        .args(["-c", "import qgis.core"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn qgis_opens_and_renders_every_demo_layer() {
    assert!(
        qgis_available(),
        "headless QGIS is missing: install `qgis python3-qgis` (tests.sh does)"
    );
    let (out, o) = demo_run();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png_dir = out.join("png");
    std::fs::create_dir_all(&png_dir).unwrap();
    let stdout = run_ok(
        Command::new("/usr/bin/python3")
            .arg(root().join("tests/qgis/check_layers.py"))
            .arg(out.join("opsgeo.gpkg"))
            .arg(&png_dir)
            .env("QT_QPA_PLATFORM", "offscreen"),
    );
    let ok = stdout.lines().filter(|l| l.ends_with(": OK")).count();
    assert!(ok >= 37, "{stdout}");
    assert!(png_dir.join("communes_ensemble.png").exists());
}

#[test]
fn shared_render_tool_renders_a_graduated_layer() {
    assert!(qgis_available(), "headless QGIS is missing");
    let tool = shared_dir().join("tools/qgis_render.py");
    assert!(tool.exists(), "{} missing", tool.display());
    let (out, o) = demo_run();
    assert!(o.status.success());
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
    assert!(stdout.contains("graduatedSymbol"), "{stdout}");
    assert!(std::fs::metadata(&png).unwrap().len() > 0);
}
