//! Bad input: clear errors naming file, line and column; exit codes; no partial publication.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Copies the demo input set into a fresh folder.
fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("demo");
    copy_dir(&root().join("data/demo"), &dst);
    (dir, dst)
}

fn run(config: &Path, out: &Path) -> std::process::Output {
    opsgeo(&["run", "--config", path_str(config), "--out", path_str(out)])
}

#[test]
fn config_syntax_error_names_line_and_column() {
    let (_d, demo) = demo_copy();
    let cfg = demo.join("opsgeo.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("\n[secrecy]\nmin_units = \"onze\"\n");
    std::fs::write(&cfg, text).unwrap();
    let o = run(&cfg, &demo.join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("opsgeo.toml") && e.contains("ligne") && e.contains("colonne"),
        "{e}"
    );
    assert!(!demo.join("out/opsgeo.gpkg").exists());
}

#[test]
fn missing_required_column_stops_the_run() {
    let (_d, demo) = demo_copy();
    let rpls = demo.join("rpls_2022.csv");
    let text = read_latin1(&rpls).replacen("NBPIECE", "NB_PIECES", 1);
    write_latin1(&rpls, &text);
    let o = run(&demo.join("opsgeo.toml"), &demo.join("out"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("rpls_2022.csv") && e.contains("NBPIECE"), "{e}");
}

#[test]
fn too_many_rejects_stop_the_run_and_keep_the_previous_publication() {
    let (_d, demo) = demo_copy();
    let out = demo.join("out");
    let first = run(&demo.join("opsgeo.toml"), &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = std::fs::read(out.join("opsgeo.gpkg")).unwrap();
    let manifest_before = std::fs::read(out.join("manifest.json")).unwrap();

    // corrupt one occupants row in ten
    let occ = demo.join("ops_occupants_2022.csv");
    let text = std::fs::read_to_string(&occ).unwrap();
    let corrupted: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i > 0 && i % 10 == 0 {
                format!("{l},surplus\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&occ, corrupted).unwrap();
    let o = run(&demo.join("opsgeo.toml"), &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("ops_occupants_2022.csv") && e.contains("run.max_reject_rate"),
        "{e}"
    );
    assert_eq!(std::fs::read(out.join("opsgeo.gpkg")).unwrap(), before);
    assert_eq!(
        std::fs::read(out.join("manifest.json")).unwrap(),
        manifest_before
    );
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name();
        assert!(
            !name.to_string_lossy().starts_with(".opsgeo-staging"),
            "{name:?}"
        );
    }
}

#[test]
fn missing_input_file_is_a_configuration_error() {
    let (_d, demo) = demo_copy();
    std::fs::remove_file(demo.join("epci.csv")).unwrap();
    let o = run(&demo.join("opsgeo.toml"), &demo.join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("epci.csv"), "{}", stderr(&o));
}
