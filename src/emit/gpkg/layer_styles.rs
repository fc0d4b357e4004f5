//! QGIS's `layer_styles` table: the default and named styles of every layer.
//!
//! The table is created as QGIS itself creates it and registered in `gpkg_contents` as an
//! attribute table (so that `validate_gpkg.py` accepts it). `f_table_catalog` and
//! `f_table_schema` are `''`, not NULL, or QGIS ignores the rows. Timestamps come from
//! `OGR_CURRENT_DATE` when set (as GDAL's own), else from the clock.

use crate::emit::gpkg::fault::Fault;
use gdal::vector::sql::Dialect;
use gdal::Dataset;

use super::sql_text;
use crate::emit::styles::{self, Family};
use crate::emit::Layer;

/// Table name (fixed by QGIS).
pub const STYLE_TABLE: &str = "layer_styles";

/// Title of the table in `gpkg_contents`.
pub const STYLE_TITLE: &str = "Styles QGIS des couches";

/// Columns of the `layer_styles` table (the table QGIS itself creates), with their meaning.
pub const STYLE_COLUMNS: [(&str, &str); 13] = [
    ("id", "identifiant du style"),
    ("f_table_catalog", "catalogue (vide)"),
    ("f_table_schema", "schéma (vide)"),
    ("f_table_name", "couche stylée"),
    ("f_geometry_column", "colonne géométrique (geom)"),
    ("styleName", "nom du style (indicateur représenté)"),
    ("styleQML", "style au format QGIS (QML)"),
    ("styleSLD", "style au format SLD"),
    ("useAsDefault", "style appliqué à l'ouverture de la couche"),
    ("description", "description du style"),
    ("owner", "auteur (opsgeo)"),
    ("ui", "non utilisé"),
    ("update_time", "date d'écriture"),
];

/// SQL expression of the timestamp to record.
pub(crate) fn timestamp_sql() -> String {
    match current_date_option() {
        Some(d) => sql_text(&d),
        None => "strftime('%Y-%m-%dT%H:%M:%fZ','now')".into(),
    }
}

/// `OGR_CURRENT_DATE`, as GDAL reads it (configuration option or environment variable).
pub(crate) fn current_date_option() -> Option<String> {
    let key = std::ffi::CString::new("OGR_CURRENT_DATE").expect("no NUL");
    // SAFETY: CPLGetConfigOption returns NULL or a pointer to a NUL-terminated string owned
    // by GDAL, copied at once.
    let v = unsafe {
        let p = gdal_sys::CPLGetConfigOption(key.as_ptr(), std::ptr::null());
        if p.is_null() {
            None
        } else {
            Some(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned())
        }
    };
    v.filter(|s| !s.is_empty())
}

fn exec(ds: &Dataset, sql: &str) -> Result<(), Fault> {
    ds.execute_sql(sql, None, Dialect::DEFAULT)
        .map(|_| ())
        .map_err(|e| Fault::from(e).within(STYLE_TABLE))
}

/// One row of `layer_styles`.
pub(crate) struct StyleRow<'a> {
    /// Styled table.
    pub table: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub qml: &'a str,
    pub sld: &'a str,
    pub is_default: bool,
}

/// Creates `layer_styles` (registered as attributes in gpkg_contents) unless it exists.
fn ensure_table(ds: &Dataset) -> Result<(), Fault> {
    let exists = ds
        .execute_sql(
            format!("SELECT 1 FROM sqlite_master WHERE name = '{STYLE_TABLE}'"),
            None,
            Dialect::DEFAULT,
        )?
        .is_some_and(|mut rs| {
            gdal::vector::LayerAccess::features(&mut *rs)
                .next()
                .is_some()
        });
    if exists {
        return Ok(());
    }
    exec(
        ds,
        "CREATE TABLE layer_styles (\
         id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \
         f_table_catalog TEXT, f_table_schema TEXT, f_table_name TEXT, \
         f_geometry_column TEXT, styleName TEXT, styleQML TEXT, styleSLD TEXT, \
         useAsDefault BOOLEAN, description TEXT, owner TEXT, ui TEXT, \
         update_time DATETIME)",
    )?;
    exec(
        ds,
        &format!(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
             srs_id) VALUES ('{STYLE_TABLE}', 'attributes', {}, {}, {}, 0)",
            sql_text(STYLE_TITLE),
            sql_text(
                "Styles QGIS de chaque couche : un style par défaut et des styles nommés pour les \
                 indicateurs clés (Propriétés de la couche → Symbologie → Style → Charger le style \
                 → Depuis la base de données)."
            ),
            timestamp_sql()
        ),
    )
}

/// Stores `rows` in `layer_styles` through GDAL, creating the table if needed, in one
/// transaction (GDAL's SQL takes no parameters: the values are inlined as literals).
pub(crate) fn insert(ds: &mut Dataset, rows: &[StyleRow<'_>]) -> Result<(), Fault> {
    if rows.is_empty() {
        return Ok(());
    }
    let now = timestamp_sql();
    let txn = ds.start_transaction()?;
    ensure_table(&txn)?;
    for r in rows {
        exec(
            &txn,
            &format!(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
                 f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, \
                 owner, ui, update_time) VALUES ('', '', {}, 'geom', {}, {}, {}, {}, {}, 'opsgeo', \
                 NULL, {now})",
                sql_text(r.table),
                sql_text(r.name),
                sql_text(r.qml),
                sql_text(r.sld),
                u8::from(r.is_default),
                sql_text(r.description),
            ),
        )?;
    }
    txn.commit().map_err(Fault::from)
}

/// The styles of every layer with a geometry, in the order they are stored.
pub(crate) fn layer_style_list(layers: &[Layer]) -> Vec<(&Layer, styles::LayerStyle)> {
    layers
        .iter()
        .filter(|l| Family::of(l.geometry).is_some())
        .flat_map(|l| styles::layer_styles(l).into_iter().map(move |s| (l, s)))
        .collect()
}

/// The rows of `styles` ([`layer_style_list`]).
pub(crate) fn style_rows<'a>(styles: &'a [(&'a Layer, styles::LayerStyle)]) -> Vec<StyleRow<'a>> {
    styles
        .iter()
        .map(|(l, s)| StyleRow {
            table: &l.name,
            name: &s.name,
            description: &s.description,
            qml: &s.qml,
            sld: &s.sld,
            is_default: s.is_default,
        })
        .collect()
}

/// Creates `layer_styles` through GDAL, in one transaction, when there are `rows` to store;
/// they are stored by [`insert_rows`] once GDAL has closed the file.
pub(crate) fn create_table(ds: &mut Dataset, rows: &[StyleRow<'_>]) -> Result<(), Fault> {
    if rows.is_empty() {
        return Ok(());
    }
    let txn = ds.start_transaction()?;
    ensure_table(&txn)?;
    txn.commit().map_err(Fault::from)
}

/// Stores `rows` in the table [`create_table`] made, through `conn` (SQLite, with bound
/// parameters: through GDAL, the scan of each long QML statement cost more than the insert).
/// `now` is the SQL expression of the timestamp ([`timestamp_sql`], read where GDAL's
/// configuration options are visible).
pub(crate) fn insert_rows(
    conn: &rusqlite::Connection,
    rows: &[StyleRow<'_>],
    now: &str,
) -> Result<(), Fault> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = conn
        .prepare(&format!(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
             f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, \
             owner, ui, update_time) VALUES ('', '', ?1, 'geom', ?2, ?3, ?4, ?5, ?6, 'opsgeo', \
             NULL, {now})"
        ))
        .map_err(|e| format!("{STYLE_TABLE} : {e}"))?;
    for r in rows {
        insert
            .execute(rusqlite::params![
                r.table,
                r.name,
                r.qml,
                r.sld,
                u8::from(r.is_default),
                r.description
            ])
            .map_err(|e| format!("{STYLE_TABLE} : style de « {} » : {e}", r.table))?;
    }
    Ok(())
}
