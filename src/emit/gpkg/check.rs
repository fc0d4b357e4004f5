//! Re-reads a written GeoPackage and checks it the way `validate_gpkg.py` and a QGIS import
//! would, before it is published. Every problem found is reported.
//!
//! Through GDAL/OGR (the reader QGIS uses): GeoPackage header, every `gpkg_contents` table
//! present with its geometry column and CRS, foreign keys, R-tree indexes complete, extensions,
//! data columns and metadata references pointing at existing tables and columns, the
//! `layer_styles` rows QGIS needs, the expected layers with their row counts, and every feature
//! of every feature table read with its geometry.
//!
//! Directly in SQLite, on their own read-only connections and threads beside the OGR checks
//! ([`content`]): `PRAGMA integrity_check` over the whole file (b-trees, every page used once,
//! every index entry against its row, every record header, NOT NULL constraints), and every
//! value of every `gpkg_contents` table in one SQL pass per table — the storage class its
//! declared column type requires, the codes of its coded field domain, and for the long
//! `indicateurs` table its publication rules (a published value present, an unpublished value
//! and its base count empty). Attribute tables, the long table among them, are not decoded row
//! by row through OGR: OGR would accept any storage class, so these checks are stricter.
//!
//! Tables added by other stages (e.g. a geocoding review layer) are checked like the others
//! and never refused for being unknown.

mod content;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use gdal::vector::sql::Dialect;
use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::layer_styles::STYLE_TABLE;
use super::ogr::describe;
use crate::emit::EmitError;

/// What a check found (everything it read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpkgCheck {
    /// `gpkg_contents` tables → rows.
    pub tables: BTreeMap<String, u64>,
    /// Styles stored in `layer_styles`.
    pub styles: u64,
}

type Rows = Vec<Vec<Option<String>>>;

fn query(ds: &Dataset, sql: &str) -> Result<Rows, String> {
    let rs = ds
        .execute_sql(sql, None, Dialect::DEFAULT)
        .map_err(|e| format!("« {sql} » : {}", describe(&e)))?;
    let Some(mut rs) = rs else {
        return Ok(Vec::new());
    };
    let n = rs.defn().fields().count();
    let mut out = Vec::new();
    for f in rs.features() {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(f.field_as_string(i).map_err(|e| describe(&e))?);
        }
        out.push(row);
    }
    Ok(out)
}

fn one(ds: &Dataset, sql: &str) -> Result<Option<String>, String> {
    Ok(query(ds, sql)?
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten()))
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Checks the GeoPackage at `path`; `expected` lists layers that must be there with their row
/// count. Every problem found is reported, in French.
pub fn check_gpkg(path: &Path, expected: &[(String, u64)]) -> Result<GpkgCheck, EmitError> {
    let invalid = |problems: Vec<String>| EmitError::Invalid {
        path: path.to_path_buf(),
        problems,
    };
    let (ogr, sqlite) = std::thread::scope(|s| {
        // the integrity check alone takes about as long as all the others together (the long
        // table: every row looked up in its index)
        let integrity = s.spawn(|| content::integrity(path));
        let values = s.spawn(|| content::values(path));
        let ogr = ogr_checks(path, expected);
        let mut sqlite = Vec::new();
        for job in [integrity, values] {
            match job.join() {
                Ok(Ok(p)) => sqlite.extend(p),
                Ok(Err(e)) => sqlite.push(e),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        (ogr, sqlite)
    });
    match ogr {
        Ok(found) if sqlite.is_empty() => Ok(found),
        Ok(_) => Err(invalid(sqlite)),
        Err(mut problems) => {
            problems.extend(sqlite);
            Err(invalid(problems))
        }
    }
}

/// The checks made through GDAL: what they found, or every problem.
fn ogr_checks(path: &Path, expected: &[(String, u64)]) -> Result<GpkgCheck, Vec<String>> {
    let ds = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(&["GPKG"]),
            ..Default::default()
        },
    )
    .map_err(|e| vec![format!("ouverture impossible : {}", describe(&e))])?;
    let mut problems = Vec::new();
    match run_checks(&ds, expected, &mut problems) {
        Err(e) => problems.push(e),
        Ok(found) if problems.is_empty() => return Ok(found),
        Ok(_) => {}
    }
    Err(problems)
}

fn run_checks(
    ds: &Dataset,
    expected: &[(String, u64)],
    problems: &mut Vec<String>,
) -> Result<GpkgCheck, String> {
    let mut found = GpkgCheck::default();
    if one(ds, "PRAGMA application_id")?.as_deref() != Some("1196444487") {
        problems.push("en-tête : application_id n'est pas « GPKG »".into());
    }
    let version: u32 = one(ds, "PRAGMA user_version")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if !(10200..10500).contains(&version) {
        problems.push(format!("en-tête : version GeoPackage {version} inattendue"));
    }
    if !query(ds, "PRAGMA foreign_key_check")?.is_empty() {
        problems.push("clés étrangères rompues (PRAGMA foreign_key_check)".into());
    }
    let sqlite_tables: BTreeSet<String> = query(
        ds,
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')",
    )?
    .into_iter()
    .filter_map(|r| r.into_iter().next().flatten())
    .collect();
    let srs: BTreeSet<String> = query(ds, "SELECT srs_id FROM gpkg_spatial_ref_sys")?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    for required in ["-1", "0", "4326"] {
        if !srs.contains(required) {
            problems.push(format!("gpkg_spatial_ref_sys : srs_id {required} absent"));
        }
    }
    // columns of each table, read once (gpkg_data_columns alone names thousands)
    let mut known_columns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut has_column = |table: &str, column: &str| -> Result<bool, String> {
        if !known_columns.contains_key(table) {
            let c: BTreeSet<String> = query(
                ds,
                &format!("SELECT name FROM pragma_table_info({})", lit(table)),
            )?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
            known_columns.insert(table.to_string(), c);
        }
        Ok(known_columns[table].contains(column))
    };
    let contents = query(
        ds,
        "SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY table_name",
    )?;
    let geometry_columns: BTreeMap<String, (String, String)> = query(
        ds,
        "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns",
    )?
    .into_iter()
    .map(|r| {
        let v = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
        (v(0), (v(1), v(2)))
    })
    .collect();
    for row in &contents {
        let name = row[0].clone().unwrap_or_default();
        let data_type = row[1].clone().unwrap_or_default();
        if !sqlite_tables.contains(&name) {
            problems.push(format!("gpkg_contents : la table « {name} » n'existe pas"));
            continue;
        }
        if data_type == "features" {
            match geometry_columns.get(&name) {
                None => problems.push(format!("« {name} » : absente de gpkg_geometry_columns")),
                Some((col, srs_id)) => {
                    if !srs.contains(srs_id) {
                        problems.push(format!(
                            "« {name} » : système de coordonnées {srs_id} inconnu"
                        ));
                    }
                    if !has_column(&name, col)? {
                        problems.push(format!(
                            "« {name} » : colonne géométrique « {col} » absente"
                        ));
                    }
                }
            }
        }
        let n: u64 = one(ds, &format!("SELECT count(*) FROM {}", ident(&name)))?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        found.tables.insert(name, n);
    }
    for (name, rows) in expected {
        match found.tables.get(name) {
            None => problems.push(format!("couche « {name} » absente")),
            Some(n) if n != rows => {
                problems.push(format!("couche « {name} » : {n} lignes au lieu de {rows}"))
            }
            Some(_) => {}
        }
    }
    // extensions: tables and columns they name exist; R-tree indexes hold every geometry
    for r in query(
        ds,
        "SELECT table_name, column_name, extension_name FROM gpkg_extensions",
    )? {
        let (Some(table), column, Some(ext)) = (r[0].clone(), r[1].clone(), r[2].clone()) else {
            continue;
        };
        if !sqlite_tables.contains(&table) {
            problems.push(format!(
                "gpkg_extensions : table « {table} » absente ({ext})"
            ));
            continue;
        }
        if let Some(col) = &column {
            if !has_column(&table, col)? {
                problems.push(format!(
                    "gpkg_extensions : colonne « {table}.{col} » absente ({ext})"
                ));
                continue;
            }
            if ext == "gpkg_rtree_index" {
                let rtree = format!("rtree_{table}_{col}");
                let indexed = one(ds, &format!("SELECT count(*) FROM {}", ident(&rtree)))?;
                let geoms = one(
                    ds,
                    &format!(
                        "SELECT count(*) FROM {t} WHERE {c} IS NOT NULL AND NOT ST_IsEmpty({c})",
                        t = ident(&table),
                        c = ident(col)
                    ),
                )?;
                if indexed != geoms {
                    problems.push(format!(
                        "index spatial de « {table} » incomplet : {} entrées pour {} géométries",
                        indexed.unwrap_or_default(),
                        geoms.unwrap_or_default()
                    ));
                }
            }
        }
    }
    if sqlite_tables.contains("gpkg_data_columns") {
        for r in query(
            ds,
            "SELECT DISTINCT table_name, column_name FROM gpkg_data_columns",
        )? {
            let (Some(t), Some(c)) = (r[0].clone(), r[1].clone()) else {
                continue;
            };
            if !has_column(&t, &c)? {
                problems.push(format!("gpkg_data_columns : colonne « {t}.{c} » absente"));
            }
        }
    }
    if sqlite_tables.contains("gpkg_metadata_reference") {
        for r in query(
            ds,
            "SELECT DISTINCT table_name FROM gpkg_metadata_reference WHERE table_name IS NOT NULL",
        )? {
            if let Some(t) = r[0].clone() {
                if !sqlite_tables.contains(&t) {
                    problems.push(format!("gpkg_metadata_reference : table « {t} » absente"));
                }
            }
        }
    }
    if sqlite_tables.contains(STYLE_TABLE) {
        found.styles = check_styles(ds, &found.tables, problems)?;
    }
    // every feature of the feature tables decodes through OGR (attribute tables — the long
    // `indicateurs` table, styles — hold no geometry: their row counts are checked above, their
    // values in SQL by `content::values`)
    let feature_tables: BTreeSet<String> = contents
        .iter()
        .filter(|r| r[1].as_deref() == Some("features"))
        .filter_map(|r| r[0].clone())
        .collect();
    for (name, rows) in found
        .tables
        .iter()
        .filter(|(n, _)| feature_tables.contains(*n))
    {
        match ds.layer_by_name(name) {
            Err(e) => problems.push(format!("« {name} » illisible par OGR : {}", describe(&e))),
            Ok(mut l) => {
                super::ogr::reset_error();
                let mut n = 0u64;
                for f in l.features() {
                    let _ = f.geometry();
                    n += 1;
                }
                if let Some(e) = super::ogr::failure() {
                    problems.push(format!("« {name} » : lecture : {e}"));
                }
                if n != *rows {
                    problems.push(format!("« {name} » : OGR lit {n} entités sur {rows}"));
                }
            }
        }
    }
    Ok(found)
}

/// `layer_styles`: registered as attributes, catalogue and schema `''`, existing target tables,
/// at most one default per table, QML documents.
fn check_styles(
    ds: &Dataset,
    tables: &BTreeMap<String, u64>,
    problems: &mut Vec<String>,
) -> Result<u64, String> {
    if one(
        ds,
        &format!(
            "SELECT data_type FROM gpkg_contents WHERE table_name = {}",
            lit(STYLE_TABLE)
        ),
    )?
    .as_deref()
        != Some("attributes")
    {
        problems.push(format!(
            "« {STYLE_TABLE} » n'est pas déclarée comme table attributaire dans gpkg_contents"
        ));
    }
    let rows = query(
        ds,
        "SELECT f_table_catalog, f_table_schema, f_table_name, useAsDefault, \
         substr(styleQML, 1, 15) FROM layer_styles",
    )?;
    let mut defaults: BTreeMap<String, u32> = BTreeMap::new();
    for r in &rows {
        let table = r[2].clone().unwrap_or_default();
        if r[0].as_deref() != Some("") || r[1].as_deref() != Some("") {
            problems.push(format!(
                "{STYLE_TABLE} : style de « {table} » avec catalogue ou schéma non vide (QGIS l'ignore)"
            ));
        }
        if !tables.contains_key(&table) {
            problems.push(format!("{STYLE_TABLE} : couche « {table} » absente"));
        }
        if r[3].as_deref() == Some("1") {
            *defaults.entry(table.clone()).or_default() += 1;
        }
        if r[4].as_deref() != Some("<!DOCTYPE qgis ") {
            problems.push(format!(
                "{STYLE_TABLE} : style de « {table} » sans document QML"
            ));
        }
    }
    for (t, n) in defaults {
        if n > 1 {
            problems.push(format!(
                "{STYLE_TABLE} : {n} styles par défaut pour « {t} »"
            ));
        }
    }
    Ok(rows.len() as u64)
}
