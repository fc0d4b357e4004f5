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

/// The checks through OGR of one open GeoPackage, with what they read once (the tables, the
/// coordinate systems, the columns of each table) and every problem found.
struct Checker<'a> {
    ds: &'a Dataset,
    problems: &'a mut Vec<String>,
    /// Tables and views of the SQLite schema.
    sqlite_tables: BTreeSet<String>,
    /// `srs_id` of `gpkg_spatial_ref_sys`.
    srs: BTreeSet<String>,
    /// Columns of each table, read once (gpkg_data_columns alone names thousands).
    known_columns: BTreeMap<String, BTreeSet<String>>,
}

/// The first column of each row, when not empty.
fn first_column(rows: Rows) -> BTreeSet<String> {
    rows.into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect()
}

impl<'a> Checker<'a> {
    fn new(ds: &'a Dataset, problems: &'a mut Vec<String>) -> Result<Self, String> {
        let sqlite_tables = first_column(query(
            ds,
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')",
        )?);
        let srs = first_column(query(ds, "SELECT srs_id FROM gpkg_spatial_ref_sys")?);
        Ok(Checker {
            ds,
            problems,
            sqlite_tables,
            srs,
            known_columns: BTreeMap::new(),
        })
    }

    fn has_column(&mut self, table: &str, column: &str) -> Result<bool, String> {
        if !self.known_columns.contains_key(table) {
            let c = first_column(query(
                self.ds,
                &format!("SELECT name FROM pragma_table_info({})", lit(table)),
            )?);
            self.known_columns.insert(table.to_string(), c);
        }
        Ok(self.known_columns[table].contains(column))
    }

    /// Header (application id, version), foreign keys and the required coordinate systems.
    fn header(&mut self) -> Result<(), String> {
        let ds = self.ds;
        if one(ds, "PRAGMA application_id")?.as_deref() != Some("1196444487") {
            self.problems
                .push("en-tête : application_id n'est pas « GPKG »".into());
        }
        let version: u32 = one(ds, "PRAGMA user_version")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if !(10200..10500).contains(&version) {
            self.problems
                .push(format!("en-tête : version GeoPackage {version} inattendue"));
        }
        if !query(ds, "PRAGMA foreign_key_check")?.is_empty() {
            self.problems
                .push("clés étrangères rompues (PRAGMA foreign_key_check)".into());
        }
        for required in ["-1", "0", "4326"] {
            if !self.srs.contains(required) {
                self.problems
                    .push(format!("gpkg_spatial_ref_sys : srs_id {required} absent"));
            }
        }
        Ok(())
    }

    /// Every `gpkg_contents` table exists, a feature table with its geometry column and
    /// coordinate system; returns the tables with their row counts and the feature tables.
    fn contents(&mut self) -> Result<(BTreeMap<String, u64>, BTreeSet<String>), String> {
        let ds = self.ds;
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
        let mut tables = BTreeMap::new();
        for row in &contents {
            let name = row[0].clone().unwrap_or_default();
            let data_type = row[1].clone().unwrap_or_default();
            if !self.sqlite_tables.contains(&name) {
                self.problems
                    .push(format!("gpkg_contents : la table « {name} » n'existe pas"));
                continue;
            }
            if data_type == "features" {
                match geometry_columns.get(&name) {
                    None => self
                        .problems
                        .push(format!("« {name} » : absente de gpkg_geometry_columns")),
                    Some((col, srs_id)) => {
                        if !self.srs.contains(srs_id) {
                            self.problems.push(format!(
                                "« {name} » : système de coordonnées {srs_id} inconnu"
                            ));
                        }
                        if !self.has_column(&name, col)? {
                            self.problems.push(format!(
                                "« {name} » : colonne géométrique « {col} » absente"
                            ));
                        }
                    }
                }
            }
            let n: u64 = one(ds, &format!("SELECT count(*) FROM {}", ident(&name)))?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            tables.insert(name, n);
        }
        let feature_tables = contents
            .iter()
            .filter(|r| r[1].as_deref() == Some("features"))
            .filter_map(|r| r[0].clone())
            .collect();
        Ok((tables, feature_tables))
    }

    /// Extensions: the tables and columns they name exist; R-tree indexes hold every geometry.
    fn extensions(&mut self) -> Result<(), String> {
        let ds = self.ds;
        for r in query(
            ds,
            "SELECT table_name, column_name, extension_name FROM gpkg_extensions",
        )? {
            let (Some(table), column, Some(ext)) = (r[0].clone(), r[1].clone(), r[2].clone())
            else {
                continue;
            };
            if !self.sqlite_tables.contains(&table) {
                self.problems.push(format!(
                    "gpkg_extensions : table « {table} » absente ({ext})"
                ));
                continue;
            }
            let Some(col) = &column else {
                continue;
            };
            if !self.has_column(&table, col)? {
                self.problems.push(format!(
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
                    self.problems.push(format!(
                        "index spatial de « {table} » incomplet : {} entrées pour {} géométries",
                        indexed.unwrap_or_default(),
                        geoms.unwrap_or_default()
                    ));
                }
            }
        }
        Ok(())
    }

    /// `gpkg_data_columns` and `gpkg_metadata_reference` point at existing tables and columns.
    fn references(&mut self) -> Result<(), String> {
        let ds = self.ds;
        if self.sqlite_tables.contains("gpkg_data_columns") {
            for r in query(
                ds,
                "SELECT DISTINCT table_name, column_name FROM gpkg_data_columns",
            )? {
                let (Some(t), Some(c)) = (r[0].clone(), r[1].clone()) else {
                    continue;
                };
                if !self.has_column(&t, &c)? {
                    self.problems
                        .push(format!("gpkg_data_columns : colonne « {t}.{c} » absente"));
                }
            }
        }
        if self.sqlite_tables.contains("gpkg_metadata_reference") {
            for r in query(
                ds,
                "SELECT DISTINCT table_name FROM gpkg_metadata_reference WHERE table_name IS NOT NULL",
            )? {
                if let Some(t) = r[0].clone() {
                    if !self.sqlite_tables.contains(&t) {
                        self.problems
                            .push(format!("gpkg_metadata_reference : table « {t} » absente"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every feature of the feature tables decodes through OGR (attribute tables — the long
    /// `indicateurs` table, styles — hold no geometry: their row counts are checked by
    /// [`run_checks`], their values in SQL by `content::values`).
    fn features(&mut self, tables: &BTreeMap<String, u64>, feature_tables: &BTreeSet<String>) {
        for (name, rows) in tables.iter().filter(|(n, _)| feature_tables.contains(*n)) {
            match self.ds.layer_by_name(name) {
                Err(e) => self
                    .problems
                    .push(format!("« {name} » illisible par OGR : {}", describe(&e))),
                Ok(mut l) => {
                    super::ogr::reset_error();
                    let mut n = 0u64;
                    for f in l.features() {
                        let _ = f.geometry();
                        n += 1;
                    }
                    if let Some(e) = super::ogr::failure() {
                        self.problems.push(format!("« {name} » : lecture : {e}"));
                    }
                    if n != *rows {
                        self.problems
                            .push(format!("« {name} » : OGR lit {n} entités sur {rows}"));
                    }
                }
            }
        }
    }
}

fn run_checks(
    ds: &Dataset,
    expected: &[(String, u64)],
    problems: &mut Vec<String>,
) -> Result<GpkgCheck, String> {
    let mut c = Checker::new(ds, problems)?;
    c.header()?;
    let (tables, feature_tables) = c.contents()?;
    for (name, rows) in expected {
        match tables.get(name) {
            None => c.problems.push(format!("couche « {name} » absente")),
            Some(n) if n != rows => c
                .problems
                .push(format!("couche « {name} » : {n} lignes au lieu de {rows}")),
            Some(_) => {}
        }
    }
    c.extensions()?;
    c.references()?;
    let styles = if c.sqlite_tables.contains(STYLE_TABLE) {
        check_styles(ds, &tables, c.problems)?
    } else {
        0
    };
    c.features(&tables, &feature_tables);
    Ok(GpkgCheck { tables, styles })
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
