//! Helpers of the delivery tests: configurations of a small synthetic input set with absolute
//! paths, runs stopped at a named point, and a complete check of a publication against its
//! manifest.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use gdal::vector::LayerAccess;
use gdal::Dataset;

use super::files::{files_under, kept_tempdir, manifest, root, synth};
use super::process::bin;

/// A small synthetic input set (3,000 dwellings, same layouts and configuration template as the
/// demo), generated once per test process: these tests are about publishing, and a run on it
/// takes about a quarter of a demo run (the secrecy search and audit dominate).
fn small_inputs() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = kept_tempdir("opsgeo-livraison-").join("entrees");
        synth(3000, 2022, &dir);
        dir
    })
}

/// Writes a copy of the configuration of the small synthetic input set into `dir` with absolute
/// input paths, the secrecy threshold `min_units` and `extra` TOML appended; returns its path.
pub fn inputs_config(dir: &Path, name: &str, min_units: u32, extra: &str) -> PathBuf {
    let demo = small_inputs();
    let text = std::fs::read_to_string(demo.join("opsgeo.toml")).unwrap();
    let mut doc: toml::Table = text.parse().unwrap();
    fn absolutize(v: &mut toml::Value, base: &Path) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t.iter_mut() {
                    match (k.as_str(), v) {
                        ("path" | "epci_table", toml::Value::String(s)) => {
                            *s = base.join(&*s).to_string_lossy().into_owned();
                        }
                        ("paths", toml::Value::Array(a)) => {
                            for p in a.iter_mut() {
                                if let toml::Value::String(s) = p {
                                    *s = base.join(&*s).to_string_lossy().into_owned();
                                }
                            }
                        }
                        (_, v) => absolutize(v, base),
                    }
                }
            }
            toml::Value::Array(a) => a.iter_mut().for_each(|v| absolutize(v, base)),
            _ => {}
        }
    }
    let mut value = toml::Value::Table(doc.clone());
    absolutize(&mut value, demo);
    if let toml::Value::Table(t) = value {
        doc = t;
    }
    let secrecy = doc
        .entry("secrecy")
        .or_insert_with(|| toml::Value::Table(Default::default()));
    secrecy
        .as_table_mut()
        .unwrap()
        .insert("min_units".into(), toml::Value::Integer(min_units as i64));
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("{}\n{extra}\n", toml::to_string(&doc).unwrap()),
    )
    .unwrap();
    path
}

/// `opsgeo --quiet run --config CONFIG --out OUT` with extra environment variables.
pub fn run(config: &Path, out: &Path, envs: &[(&str, &str)]) -> Output {
    command(config, out, envs).output().expect("run opsgeo")
}

fn command(config: &Path, out: &Path, envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(bin());
    c.args(["--quiet", "run", "--config"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .current_dir(root());
    for (k, v) in envs {
        c.env(k, v);
    }
    c
}

/// Starts a run that stops at `point` (`OPSGEO_TEST_STOP_AT`) and returns once it says it
/// stopped there; the caller then kills it.
pub fn run_stopped_at(config: &Path, out: &Path, point: &str, envs: &[(&str, &str)]) -> Child {
    let mut envs = envs.to_vec();
    envs.push(("OPSGEO_TEST_STOP_AT", point));
    let mut child = command(config, out, &envs)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn opsgeo");
    let stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.contains("arrêt de test au point") {
            return child;
        }
        seen.push(line);
    }
    let status = child.wait().unwrap();
    panic!(
        "the run ended ({status}) without reaching point « {point} »:\n{}",
        seen.join("\n")
    );
}

/// Sends SIGKILL and reaps the process.
pub fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    assert!(!status.success());
}

/// A checked publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// SHA-256 of `manifest.json`.
    pub manifest_sha: String,
    /// Secrecy parameters recorded in the manifest.
    pub secrecy: String,
    pub files: usize,
}

/// Checks that `out` holds one complete, valid publication: every file listed by the manifest
/// with its size and SHA-256, nothing else, the GeoPackage passing opsgeo's pre-publication
/// checks with the manifest's layer counts, every FlatGeobuf readable with its row count.
pub fn check_publication(out: &Path) -> Published {
    let manifest_path = out.join("manifest.json");
    let doc = manifest(out);
    let mut listed = BTreeSet::new();
    listed.insert(PathBuf::from("manifest.json"));
    for o in doc["sorties"].as_array().unwrap() {
        let rel = PathBuf::from(o["fichier"].as_str().unwrap());
        let p = out.join(&rel);
        let size = std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{} listed but missing: {e}", p.display()))
            .len();
        assert_eq!(size, o["octets"].as_u64().unwrap(), "{}", rel.display());
        let sha = opsgeo::pipeline::manifest::sha256_file(&p).unwrap();
        assert_eq!(sha, o["sha256"].as_str().unwrap(), "{}", rel.display());
        listed.insert(rel);
    }
    let mut present = BTreeSet::new();
    for e in files_under(out) {
        present.insert(e.strip_prefix(out).unwrap().to_path_buf());
    }
    assert_eq!(present, listed, "files on disk differ from the manifest");
    let mut expected: Vec<(String, u64)> = doc["couches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["couche"].as_str().unwrap().to_string(),
                c["lignes"].as_u64().unwrap(),
            )
        })
        .collect();
    expected.push((
        "indicateurs".into(),
        doc["table_indicateurs_lignes"].as_u64().unwrap(),
    ));
    opsgeo::emit::gpkg::check::check_gpkg(&out.join("opsgeo.gpkg"), &expected)
        .unwrap_or_else(|e| panic!("{e}"));
    let without_geometry = |name: &str| {
        doc["flatgeobuf_lignes_sans_geometrie"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["couche"] == name)
            .map_or(0, |c| c["lignes"].as_u64().unwrap())
    };
    for (name, rows) in &expected[..expected.len() - 1] {
        let p = out.join("fgb").join(format!("{name}.fgb"));
        let ds = Dataset::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let mut l = ds.layer(0).unwrap();
        let n = l.features().count() as u64;
        assert_eq!(n, rows - without_geometry(name), "{name}");
    }
    Published {
        manifest_sha: opsgeo::pipeline::manifest::sha256_file(&manifest_path).unwrap(),
        secrecy: doc["metadonnees"]["secret_statistique"]
            .as_str()
            .unwrap()
            .to_string(),
        files: listed.len(),
    }
}

/// Hidden leftovers of runs beside the output folder (`.<nom>.opsgeo-…`), the lock excepted.
pub fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.opsgeo-")))
        .collect()
}
