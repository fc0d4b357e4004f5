//! `manifest.json`: inputs and outputs with SHA-256, counts, timings and versions.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{io_error, PipelineError, RunReport};
use crate::config::Config;
use crate::emit::{InputLineage, RunMetadata};
use crate::ingest::InputStats;
use crate::layout::SCHEMA_VERSION;

/// The metadata as recorded in the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetadataReport {
    #[serde(rename = "citation_source")]
    pub source_citation: String,
    #[serde(rename = "date_reference")]
    pub reference_date: String,
    #[serde(rename = "millesime_qpv")]
    pub qpv_vintage: String,
    #[serde(rename = "millesime_iris")]
    pub iris_vintage: String,
    #[serde(rename = "date_ban")]
    pub ban_date: String,
    #[serde(rename = "secret_statistique")]
    pub secrecy: String,
    #[serde(rename = "version_opsgeo")]
    pub opsgeo_version: String,
    #[serde(rename = "version_schema")]
    pub schema_version: String,
}

impl From<&RunMetadata> for MetadataReport {
    fn from(m: &RunMetadata) -> Self {
        MetadataReport {
            source_citation: m.source_citation.clone(),
            reference_date: m.reference_date.clone(),
            qpv_vintage: m.qpv_vintage.clone(),
            iris_vintage: m.iris_vintage.clone(),
            ban_date: m.ban_date.clone(),
            secrecy: m.secrecy.clone(),
            opsgeo_version: m.opsgeo_version.clone(),
            schema_version: SCHEMA_VERSION.to_string(),
        }
    }
}

/// Metadata of a run, from its configuration and its inputs (read once more here for their
/// SHA-256, recorded as lineage in every output and in the manifest).
pub fn metadata(cfg: &Config, inputs: &[InputStats]) -> Result<RunMetadata, PipelineError> {
    let s = &cfg.secrecy;
    let mut lineage = Vec::with_capacity(inputs.len());
    for i in inputs {
        let sha256 = sha256_file(&i.path).map_err(|e| io_error(&i.path, e))?;
        lineage.push(InputLineage {
            fichier: i.file.clone(),
            format: i.format.clone(),
            sha256,
            lignes_lues: i.read,
            lignes_acceptees: i.accepted,
            lignes_rejetees: i.rejected,
        });
    }
    Ok(RunMetadata {
        source_citation: cfg.run.source_citation.clone(),
        reference_date: cfg.run.reference_date.clone(),
        qpv_vintage: cfg.zones.qpv.vintage.clone(),
        iris_vintage: cfg.zones.iris.vintage.clone(),
        ban_date: cfg.ban.date.clone(),
        secrecy: format!(
            "effectif minimal {} ; taux de réponse minimal {:.0} % ; parts de 100 % masquées : {} ; parts de 0 % masquées : {}",
            s.min_units,
            s.min_response_rate * 100.0,
            if s.suppress_100 { "oui" } else { "non" },
            if s.suppress_0 { "oui" } else { "non" },
        ),
        opsgeo_version: env!("CARGO_PKG_VERSION").to_string(),
        territory: cfg.run.territory_name.clone(),
        gdal_version: gdal::version::VersionInfo::release_name(),
        inputs: lineage,
    })
}

/// Versions of opsgeo, its layer schema and the libraries that shaped the outputs.
pub fn versions() -> serde_json::Value {
    // SAFETY: OSRGetPROJVersion writes three integers.
    let proj = unsafe {
        let (mut a, mut b, mut c) = (0, 0, 0);
        gdal_sys::OSRGetPROJVersion(&mut a, &mut b, &mut c);
        format!("{a}.{b}.{c}")
    };
    json!({
        "opsgeo": env!("CARGO_PKG_VERSION"),
        "schema": SCHEMA_VERSION,
        "gdal": gdal::version::VersionInfo::release_name(),
        "proj": proj,
    })
}

/// Where each territory-wide total of the secrecy model sits in the manifest.
pub const TOTAL_FIELDS: [(&str, &str, &str); 4] = [
    ("total_sans_partie_qpv", "agregation", "partie_qpv_inconnue"),
    ("total_sans_iris", "agregation", "iris_inconnu"),
    ("total_en_qpv", "jointure", "en_qpv"),
    ("total_en_qva", "agregation", "en_qva"),
];

/// The totals the manifest publishes (`None`: left out by the secondary suppression), in the
/// order of [`crate::secrecy::reader::Total`], for the audit.
pub fn published_totals(report: &super::RunReport) -> [Option<i64>; 4] {
    let masked = &report.secrecy.secondaire.totaux_masques;
    let a = &report.aggregate;
    let values = [
        a.split_unknown,
        a.iris_unknown,
        report.join.in_qpv,
        a.in_qva,
    ];
    let mut out = [None; 4];
    for (k, (name, _, _)) in TOTAL_FIELDS.iter().enumerate() {
        if !masked.iter().any(|m| m == name) {
            out[k] = Some(values[k] as i64);
        }
    }
    out
}

/// Replaces by `null` the totals the secondary suppression left out (they would reveal a
/// hidden value).
fn redact_totals(doc: &mut serde_json::Value, masked: &[String]) {
    for (name, section, field) in TOTAL_FIELDS {
        if masked.iter().any(|m| m == name) {
            doc[section][field] = serde_json::Value::Null;
        }
    }
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// SHA-256 and size of one output of the manifest.
#[derive(Debug, Clone)]
pub struct OutputDigest {
    /// Path relative to the publication folder.
    pub file: PathBuf,
    pub sha256: String,
    pub bytes: u64,
}

/// The digest of every output `rels` (relative to `dir`), each file flushed to disk on the way:
/// the publication syncs the whole folder again before renaming it, cheaply by then. Runs
/// beside the secrecy audit, which only reads the files.
pub fn digest_outputs(dir: &Path, rels: &[PathBuf]) -> Result<Vec<OutputDigest>, PipelineError> {
    rels.iter()
        .map(|rel| {
            let p = dir.join(rel);
            let err = |e: std::io::Error| io_error(&p, e);
            let sha256 = sha256_file(&p).map_err(err)?;
            let f = std::fs::File::open(&p).map_err(err)?;
            f.sync_all().map_err(err)?;
            let bytes = f.metadata().map_err(err)?.len();
            Ok(OutputDigest {
                file: rel.clone(),
                sha256,
                bytes,
            })
        })
        .collect()
}

/// Writes the manifest of a staged publication (`outputs`: the digests of the outputs listed in
/// `report`, from [`digest_outputs`]; `meta` carries the input checksums, in the order of
/// `report.inputs`).
pub fn write_manifest(
    path: &Path,
    cfg: &Config,
    report: &RunReport,
    meta: &RunMetadata,
    outputs: &[OutputDigest],
) -> Result<(), PipelineError> {
    let doc = manifest_doc(cfg, report, meta, outputs);
    let text = serde_json::to_string_pretty(&doc).expect("serialisable");
    std::fs::write(path, text).map_err(|e| io_error(path, e))
}

/// The manifest as a JSON document (French keys, the left-out totals `null`).
pub fn manifest_doc(
    cfg: &Config,
    report: &RunReport,
    meta: &RunMetadata,
    outputs: &[OutputDigest],
) -> serde_json::Value {
    let mut inputs = Vec::new();
    for (s, l) in report.inputs.iter().zip(&meta.inputs) {
        let sha = &l.sha256;
        inputs.push(json!({
            "fichier": s.file,
            "chemin": s.path,
            "format": s.format,
            "sha256": sha,
            "lignes_lues": s.read,
            "lignes_acceptees": s.accepted,
            "lignes_rejetees": s.rejected,
        }));
    }
    let outputs: Vec<_> = outputs
        .iter()
        .map(|o| json!({ "fichier": o.file, "octets": o.bytes, "sha256": o.sha256 }))
        .collect();
    let doc = json!({
        "opsgeo": env!("CARGO_PKG_VERSION"),
        "version_schema": SCHEMA_VERSION,
        "gdal": gdal::version::VersionInfo::release_name(),
        "versions": versions(),
        "configuration": cfg.source,
        "metadonnees": report.metadata,
        "entrees": inputs,
        "sorties": outputs,
        "rejets": {
            "total": report.rejects_total,
            "par_motif": report.rejects_by_reason.iter().map(|(f, r, n)| json!({"fichier": f, "motif": r, "lignes": n})).collect::<Vec<_>>(),
        },
        "logements": report.dwellings,
        "menages": report.households,
        "geocodage": report.geocode,
        "jointure": report.join,
        "agregation": report.aggregate,
        "secret": report.secrecy,
        "audit_secret": report.audit,
        "couches": report.layers.iter().map(|(n, r)| json!({"couche": n, "lignes": r})).collect::<Vec<_>>(),
        "flatgeobuf_lignes_sans_geometrie": report.fgb_rows_without_geometry.iter().map(|(n, r)| json!({"couche": n, "lignes": r})).collect::<Vec<_>>(),
        "table_indicateurs_lignes": report.tidy_rows,
        "controles_avant_publication": {
            "tables_geopackage": report.publication.tables_controlees,
            "styles_qgis": report.publication.styles_qgis,
            "fichiers_flatgeobuf": report.publication.flatgeobuf_controles,
        },
        "postgis": report.publication.postgis,
        "durees_secondes": report.timings.iter().map(|(n, s)| json!({"etape": n, "secondes": s})).collect::<Vec<_>>(),
        "duree_totale_secondes": report.total_seconds,
    });
    let mut doc = doc;
    redact_totals(&mut doc, &report.secrecy.secondaire.totaux_masques);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the manifest, with its path (`section.key`; `[]` for array items).
    fn keys(v: &serde_json::Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    out.insert(p.clone());
                    keys(x, &p, out);
                }
            }
            serde_json::Value::Array(items) => {
                for x in items {
                    keys(x, &format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }

    /// The keys of `manifest.json` are French and only change on purpose: this snapshot
    /// (`manifest_keys.txt`, beside this file) lists them; on a deliberate change, write the
    /// list printed by the failure into it.
    #[test]
    fn manifest_keys_are_french_and_kept() {
        let cfg = Config::from_toml_str(
            "[rpls]\npath = \"r.csv\"\n[ops_households]\npath = \"m.csv\"\n\
             [ops_occupants]\npath = \"o.csv\"\n[ban]\npaths = [\"b.csv\"]\n\
             [territory]\nepci_table = \"e.csv\"\n[zones.communes]\npath = \"c.gpkg\"\n\
             [zones.iris]\npath = \"i.gpkg\"\n[zones.qpv]\npath = \"q.gpkg\"\n",
            Path::new("/x"),
        )
        .unwrap();
        let mut report = RunReport::default();
        report
            .join
            .geometry_issues
            .push(crate::ingest::zones::GeometryIssue {
                zone: String::new(),
                feature: 0,
                problem: String::new(),
                action: String::new(),
            });
        report.publication.postgis = Some(Default::default());
        let doc = manifest_doc(&cfg, &report, &RunMetadata::default(), &[]);
        let mut found = std::collections::BTreeSet::new();
        keys(&doc, "", &mut found);
        let found: Vec<String> = found.into_iter().collect();
        let snapshot = include_str!("manifest_keys.txt");
        let expected: Vec<&str> = snapshot.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            found,
            expected,
            "manifest keys changed; new list:\n{}",
            found.join("\n")
        );
    }
}
