//! Publication of the outputs: atomic replacement of the output folder, checks before it,
//! the lock between runs, runs killed (SIGKILL) at every point of the publication, and
//! reproducibility of two runs on the same inputs.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::vector::LayerAccess;
use gdal::Dataset;

use crate::support::delivery::*;
use crate::support::gis::validate_gpkg;
use crate::support::{assert_ok, bin, manifest};

/// Two publications that differ (secrecy threshold 11, then 15).
fn two_configs(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    (
        inputs_config(dir, "a.toml", 11, ""),
        inputs_config(dir, "b.toml", 15, ""),
    )
}

#[test]
fn runs_killed_during_publication_leave_a_complete_valid_publication() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_configs(dir.path());
    let out = dir.path().join("sortie");
    assert_ok(&run(&a, &out, &[]), "opsgeo run");
    let first = check_publication(&out);
    validate_gpkg(&out.join("opsgeo.gpkg"));
    // killed before the exchange: the previous publication, untouched
    for point in ["ecriture", "validation", "avant_echange"] {
        kill(run_stopped_at(&b, &out, point, &[]));
        assert_eq!(check_publication(&out), first, "killed at {point}");
        assert!(
            !leftovers(&out).is_empty(),
            "{point}: staging folder expected"
        );
    }
    // killed after the exchange, before the old folder is deleted: the new publication
    kill(run_stopped_at(&b, &out, "apres_echange", &[]));
    let second = check_publication(&out);
    assert_ne!(second.manifest_sha, first.manifest_sha);
    assert!(second.secrecy.contains("effectif minimal 15"), "{second:?}");
    validate_gpkg(&out.join("opsgeo.gpkg"));
    // killed at arbitrary moments: always one complete publication, the old or the new one
    for (i, ms) in [150u64, 1200, 2500, 3300].into_iter().enumerate() {
        let config = if i % 2 == 0 { &a } else { &b };
        let mut child = std::process::Command::new(bin())
            .args(["--quiet", "run", "--config"])
            .arg(config)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let p = check_publication(&out);
        assert!(
            p.secrecy.contains("effectif minimal 11 ")
                || p.secrecy.contains("effectif minimal 15 "),
            "after a kill at {ms} ms: {p:?}"
        );
    }
    // the next run takes the lock back, cleans up and publishes
    assert_ok(&run(&a, &out, &[]), "opsgeo run");
    check_publication(&out);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_second_run_is_refused_while_the_first_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_configs(dir.path());
    let out = dir.path().join("sortie");
    let first = run_stopped_at(&a, &out, "validation", &[]);
    let second = run(&a, &out, &[]);
    assert_eq!(second.status.code(), Some(1), "{second:?}");
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("une autre exécution d'opsgeo publie déjà"),
        "{err}"
    );
    assert!(!out.exists(), "nothing may be published by the refused run");
    kill(first);
    assert_ok(&run(&a, &out, &[]), "opsgeo run");
    check_publication(&out);
}

#[test]
fn a_failed_publication_leaves_the_previous_one_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_configs(dir.path());
    let out = dir.path().join("sortie");
    assert_ok(&run(&a, &out, &[]), "opsgeo run");
    let first = check_publication(&out);
    let failed = run(&b, &out, &[("OPSGEO_TEST_FAIL_AT", "echange")]);
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    assert!(String::from_utf8_lossy(&failed.stderr).contains("panne simulée"));
    assert_eq!(check_publication(&out), first);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn an_output_folder_with_foreign_files_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_configs(dir.path());
    let out = dir.path().join("mon_dossier");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "à garder").unwrap();
    let o = run(&a, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("notes.txt") && err.contains("dossier réservé à opsgeo"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "à garder"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

/// Every table of a GeoPackage, rows as text, timestamps left out.
fn gpkg_contents(path: &Path) -> BTreeMap<String, Vec<String>> {
    let ds = Dataset::open(path).unwrap();
    let tables: Vec<String> = {
        let mut rs = ds
            .execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
                None,
                gdal::vector::sql::Dialect::DEFAULT,
            )
            .unwrap()
            .unwrap();
        rs.features()
            .map(|f| f.field_as_string(0).unwrap().unwrap())
            .collect()
    };
    let mut out = BTreeMap::new();
    for t in tables {
        let mut rs = ds
            .execute_sql(
                format!("SELECT * FROM \"{t}\""),
                None,
                gdal::vector::sql::Dialect::DEFAULT,
            )
            .unwrap()
            .unwrap();
        let names: Vec<String> = rs.defn().fields().map(|f| f.name()).collect();
        let mut rows = Vec::new();
        for f in rs.features() {
            let mut row = String::new();
            for (i, n) in names.iter().enumerate() {
                if matches!(n.as_str(), "last_change" | "timestamp" | "update_time") {
                    continue;
                }
                row.push_str(&format!("{:?}|", f.field_as_string(i).unwrap()));
            }
            if let Some(g) = f.geometry() {
                row.push_str(&g.wkt().unwrap_or_default());
            }
            rows.push(row);
        }
        out.insert(t, rows);
    }
    out
}

#[test]
fn two_runs_on_the_same_inputs_give_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_configs(dir.path());
    let shas = |out: &Path| -> BTreeMap<String, String> {
        manifest(out)["sorties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["fichier"].as_str().unwrap().to_string(),
                    o["sha256"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // with a fixed GDAL date, every output file is identical, byte for byte
    let fixed = [("OGR_CURRENT_DATE", "2022-01-01T00:00:00.000Z")];
    let (o1, o2) = (dir.path().join("un"), dir.path().join("deux"));
    assert_ok(&run(&a, &o1, &fixed), "opsgeo run");
    assert_ok(&run(&a, &o2, &fixed), "opsgeo run");
    assert_eq!(shas(&o1), shas(&o2));
    // without it only the GeoPackage's timestamps differ: same tables, same rows
    let o3 = dir.path().join("trois");
    assert_ok(&run(&a, &o3, &[]), "opsgeo run");
    let (s1, s3) = (shas(&o1), shas(&o3));
    let differing: Vec<&String> = s1.keys().filter(|k| s1[*k] != s3[*k]).collect();
    assert!(
        differing.iter().all(|k| k.as_str() == "opsgeo.gpkg"),
        "{differing:?}"
    );
    assert_eq!(
        gpkg_contents(&o1.join("opsgeo.gpkg")),
        gpkg_contents(&o3.join("opsgeo.gpkg"))
    );
}

#[test]
fn nightly_runs_are_silent_or_log_json_with_a_one_screen_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_configs(dir.path());
    // --quiet: nothing at all on success
    let o = run(&a, &dir.path().join("calme"), &[]);
    assert_ok(&o, "opsgeo run");
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{o:?}");
    // --log-format json: one JSON object per stderr line, the summary on stdout
    let out = dir.path().join("json");
    let o = std::process::Command::new(bin())
        .args(["--log-format", "json", "run", "--config"])
        .arg(&a)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_ok(&o, "opsgeo run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.lines().count() >= 5, "{stderr}");
    for line in stderr.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["level"].is_string() && v["fields"]["message"].is_string(),
            "{line}"
        );
    }
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.lines().count() <= 40, "{summary}");
    assert!(
        summary.contains("Publication (échange atomique)"),
        "{summary}"
    );
    assert!(summary.contains("styles QGIS"), "{summary}");
    let doc = manifest(&out);
    for k in ["opsgeo", "schema", "gdal", "proj"] {
        assert!(doc["versions"][k].is_string(), "versions.{k}");
    }
    assert!(
        doc["controles_avant_publication"]["styles_qgis"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(doc["entrees"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn without_atomic_exchange_a_run_killed_between_the_renames_is_repaired_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_configs(dir.path());
    let out = dir.path().join("sortie");
    let no_exchange = [("OPSGEO_TEST_FAIL_AT", "echange_atomique")];
    assert_ok(&run(&a, &out, &no_exchange), "opsgeo run");
    let first = check_publication(&out);
    assert_ok(&run(&b, &out, &no_exchange), "opsgeo run");
    let second = check_publication(&out);
    assert_ne!(first, second);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    // killed after moving the publication aside: the folder is missing until the next run,
    // which puts the previous publication back before anything else
    kill(run_stopped_at(&a, &out, "entre_renommages", &no_exchange));
    assert!(!out.exists());
    kill(run_stopped_at(&a, &out, "ecriture", &[]));
    assert_eq!(check_publication(&out), second);
    assert_ok(&run(&a, &out, &[]), "opsgeo run");
    assert_eq!(check_publication(&out).secrecy, first.secrecy);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}
