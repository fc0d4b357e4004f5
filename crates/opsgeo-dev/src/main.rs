//! `opsgeo-dev`: the files of the repository generated from the library — the data dictionary
//! (`docs/dictionnaire.md`) and the QGIS / SLD styles (`styles/`) — written again, or checked.
//!
//! ```sh
//! cargo run -p opsgeo-dev -- regenerer    # writes them
//! cargo run -p opsgeo-dev -- verifier     # exit 1 when one is stale
//! ```
//!
//! The library's tests (`dictionary_is_up_to_date`, `styles_folder_is_up_to_date`) fail when
//! a generated file is stale and name this command.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The repository's root (this crate is `crates/opsgeo-dev`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every generated file, relative to the root, with its content.
fn generated() -> Vec<(PathBuf, String)> {
    let mut out = vec![(
        PathBuf::from("docs/dictionnaire.md"),
        opsgeo::emit::dictionary::render(),
    )];
    out.extend(
        opsgeo::emit::styles::style_files()
            .into_iter()
            .map(|(rel, text)| (Path::new("styles").join(rel), text)),
    );
    out
}

/// The files under `styles/` (relative to the root).
fn style_files_present(root: &Path) -> BTreeSet<PathBuf> {
    fn walk(dir: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir.join(rel)) {
            for e in entries.flatten() {
                let r = rel.join(e.file_name());
                if e.path().is_dir() {
                    walk(dir, &r, out);
                } else {
                    out.insert(r);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, Path::new("styles"), &mut out);
    out
}

fn regenerate(root: &Path) -> Result<()> {
    let styles = root.join("styles");
    if styles.exists() {
        std::fs::remove_dir_all(&styles).with_context(|| format!("{}", styles.display()))?;
    }
    let files = generated();
    for (rel, text) in &files {
        let p = root.join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
        }
        std::fs::write(&p, text).with_context(|| format!("{}", p.display()))?;
    }
    println!("{} fichiers générés écrits", files.len());
    Ok(())
}

fn check(root: &Path) -> Result<()> {
    let files = generated();
    let mut stale: Vec<String> = files
        .iter()
        .filter(|(rel, text)| {
            std::fs::read_to_string(root.join(rel)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(rel, _)| rel.display().to_string())
        .collect();
    let wanted: BTreeSet<PathBuf> = files.into_iter().map(|(p, _)| p).collect();
    stale.extend(
        style_files_present(root)
            .difference(&wanted)
            .map(|p| format!("{} (en trop)", p.display())),
    );
    if !stale.is_empty() {
        bail!(
            "{} fichier(s) généré(s) à régénérer ({}) : cargo run -p opsgeo-dev -- regenerer",
            stale.len(),
            stale.join(", ")
        );
    }
    println!("fichiers générés à jour");
    Ok(())
}

fn main() -> Result<()> {
    let root = root();
    match std::env::args().nth(1).as_deref() {
        Some("regenerer") => regenerate(&root),
        Some("verifier") => check(&root),
        _ => bail!("usage : opsgeo-dev regenerer | verifier"),
    }
}
