//! The stage arrow of the library, kept true: every `crate::<module>` path in the code of `src/`
//! (comments and doc links aside) must point to a module of a lower rank.
//!
//! The order, lowest first:
//!
//! 0. shared bases, which use no other module: `model` (domain types and the built-in
//!    administrative tables), `text` (folding), `gdal_errors` (GDAL's last error),
//!    `failpoint` (test hooks of the publication);
//! 1. `config`: the TOML configuration and its enums;
//! 2. `ingest`: CSV inputs, zone layers and the territory built from them;
//! 3. `geocode`: addresses located against the BAN (reads with `ingest`'s CSV reader);
//! 4. `join`: dwellings placed in their zones;
//! 5. `indicators`: the declarative catalogue;
//! 6. `aggregate`: additive measures per cell (catalogue of `indicators`);
//! 7. `secrecy`: the secrecy rules over the aggregates;
//! 8. `layout`: the layout of the outputs (names, keys, schema version, layers and the long
//!    table), shared by the two stages that follow;
//! 9. `audit`: proves from a written GeoPackage that no unpublished value is recoverable — it
//!    reads the output through `layout`, never through the writer;
//! 10. `emit`: writes the GeoPackage, FlatGeobuf, styles, QGIS project, PostGIS;
//! 11. `pipeline`: orchestrates the stages for `opsgeo run` (and publishes);
//! 12. the library's surface: `error` (exit codes) and `cli` (the command line).
//!
//! Modules of one rank do not use each other. A new top-level module must be given a rank here.

use std::collections::BTreeMap;

use crate::support::{files_under, root};

const ORDER: &[(&str, u32)] = &[
    ("model", 0),
    ("text", 0),
    ("gdal_errors", 0),
    ("failpoint", 0),
    ("config", 1),
    ("ingest", 2),
    ("geocode", 3),
    ("join", 4),
    ("indicators", 5),
    ("aggregate", 6),
    ("secrecy", 7),
    ("layout", 8),
    ("audit", 9),
    ("emit", 10),
    ("pipeline", 11),
    ("error", 12),
    ("cli", 12),
];

fn rank(module: &str) -> Option<u32> {
    ORDER.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// `crate::<name>` paths of a line of code, comments removed.
fn crate_paths(line: &str) -> Vec<&str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .filter(|(i, _)| {
            // `crate::` itself, not the end of another identifier (`opsgeo_crate::`)
            *i == 0
                || !code.as_bytes()[i - 1].is_ascii_alphanumeric() && code.as_bytes()[i - 1] != b'_'
        })
        .map(|(i, m)| {
            let rest = &code[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn every_module_uses_only_earlier_stages() {
    let src = root().join("src");
    let mut files: Vec<_> = files_under(&src)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unranked = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(from) = rank(&module) else {
            unranked.push(module);
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            for to in crate_paths(line) {
                if to == module {
                    continue;
                }
                match rank(to) {
                    Some(r) if r < from => {}
                    _ => wrong
                        .entry(format!("{module} → {to}"))
                        .or_default()
                        .push(format!("{}:{}", rel.display(), n + 1)),
                }
            }
        }
    }
    unranked.dedup();
    assert!(
        unranked.is_empty(),
        "modules without a rank in ORDER: {unranked:?}"
    );
    assert!(
        wrong.is_empty(),
        "uses against the stage order:\n{}",
        wrong
            .iter()
            .map(|(e, at)| format!("  {e}: {}", at.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_sees_paths_and_skips_comments() {
    assert_eq!(
        crate_paths("use crate::ingest::source::CsvSource; // crate::emit"),
        ["ingest"]
    );
    assert_eq!(
        crate_paths("    let x = crate::geocode::fold(crate::model::X);"),
        ["geocode", "model"]
    );
    assert!(crate_paths("/// see [`crate::emit`]").is_empty());
}
