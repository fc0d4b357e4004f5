//! The long `indicateurs` table of the GeoPackage.

use std::path::Path;

use gdal::vector::{LayerOptions, OGRwkbGeometryType};
use gdal::{Dataset, Metadata};
use rusqlite::OptionalExtension;

use super::columns::ColumnKind;
use super::ogr::{self, describe, FieldSpec};
use super::STATUS_DOMAIN;
use crate::emit::tidy::{TidyRow, COLUMNS};

/// Table name.
pub const TIDY_TABLE: &str = "indicateurs";

/// Table title (`gpkg_contents.identifier`).
pub(crate) const TIDY_TITLE: &str = "Indicateurs (format long)";

const TIDY_DESCRIPTION: &str = "Une ligne par valeur de chaque couche : échelle, code de l'unité, \
population, zone, indicateur, nature, valeur publiée (vide si soumise au secret statistique), \
effectif et statut de publication. Pour les imports en base et l'audit du secret.";

/// Columns: name, title, description, type, NOT NULL. Names are [`COLUMNS`], in order.
pub(crate) const FIELDS: [(&str, &str, &str, ColumnKind, bool); 9] = [
    (
        "echelle",
        "Échelle",
        "Échelle géographique : region, departement, epci, commune, qpv, qva, iris, programme, batiment ou cage",
        ColumnKind::Text,
        true,
    ),
    (
        "code",
        "Code de l'unité",
        "Identifiant métier de l'unité (code INSEE, SIREN, code QPV, code IRIS, identifiant RPLS…)",
        ColumnKind::Text,
        true,
    ),
    (
        "population",
        "Population",
        "ensemble (tous les logements) ou recents (emménagés récents)",
        ColumnKind::Text,
        true,
    ),
    (
        "zone",
        "Zone",
        "tout, qpv (partie en quartier prioritaire) ou hors_qpv (partie hors quartier prioritaire)",
        ColumnKind::Text,
        true,
    ),
    (
        "indicateur",
        "Indicateur",
        "Nom du champ de l'indicateur dans les couches",
        ColumnKind::Text,
        true,
    ),
    (
        "nature",
        "Nature",
        "compte, part (en %) ou moyenne",
        ColumnKind::Text,
        true,
    ),
    (
        "valeur",
        "Valeur",
        "Valeur publiée, telle qu'affichée dans les couches ; vide quand elle est soumise au secret statistique",
        ColumnKind::Real,
        false,
    ),
    (
        "effectif",
        "Effectif",
        "Nombre d'unités sur lequel repose la valeur ; vide quand elle est soumise au secret statistique",
        ColumnKind::Integer,
        false,
    ),
    (
        "statut",
        "Statut de publication",
        "publie, ou code du motif de non-publication (secret_effectif, secret_reponse, secret_100, secret_secondaire)",
        ColumnKind::Text,
        true,
    ),
];

/// Creates the (empty) table through GDAL, so that it is registered like any GDAL layer
/// (gpkg_contents, gpkg_ogr_contents, field domain, metadata). The rows are inserted by
/// [`insert_rows`] once GDAL has closed the file.
pub(crate) fn create(ds: &mut Dataset, items: &[(&'static str, String)]) -> Result<(), String> {
    debug_assert!(FIELDS.iter().map(|f| f.0).eq(COLUMNS));
    let options = [
        format!("IDENTIFIER={TIDY_TITLE}"),
        format!("DESCRIPTION={TIDY_DESCRIPTION}"),
        "FID=fid".to_string(),
    ];
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    ogr::reset_error();
    let mut txn = ds.start_transaction().map_err(|e| describe(&e))?;
    {
        let mut l = txn
            .create_layer(LayerOptions {
                name: TIDY_TABLE,
                srs: None,
                ty: OGRwkbGeometryType::wkbNone,
                options: Some(&options),
            })
            .map_err(|e| describe(&e))?;
        for (name, title, _, kind, not_null) in FIELDS {
            ogr::create_field(
                &l,
                &FieldSpec {
                    name,
                    kind,
                    not_null,
                    alternative_name: title,
                    domain: (name == "statut").then_some(STATUS_DOMAIN),
                },
            )?;
        }
        for (k, v) in items {
            l.set_metadata_item(k, v, "")
                .map_err(|e| format!("métadonnée « {k} » : {}", describe(&e)))?;
        }
        ogr::sync_layer(&l)?;
    }
    txn.commit().map_err(|e| describe(&e))
}

/// Inserts the rows into the table [`create`] made, with one prepared SQLite statement in one
/// transaction (the table holds one row per value of every layer — 675,000 for the demo — and
/// going through one OGR feature per row took three times longer), then builds the index on
/// (echelle, code, population, zone) and records the row count in `gpkg_ogr_contents`.
pub(crate) fn insert_rows(path: &Path, rows: &[TidyRow]) -> Result<(), String> {
    let sql = |e: rusqlite::Error| format!("SQLite : {e}");
    let mut conn = rusqlite::Connection::open(path).map_err(sql)?;
    conn.pragma_update(None, "synchronous", "OFF")
        .map_err(sql)?;
    let txn = conn.transaction().map_err(sql)?;
    // GDAL's per-row trigger updating gpkg_ogr_contents would run once per row: it is set aside
    // during the bulk insert and put back as it was, and the count is written once at the end
    let trigger: Option<(String, String)> = txn
        .query_row(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 \
             AND name LIKE 'trigger_insert_feature_count_%'",
            [TIDY_TABLE],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql)?;
    if let Some((name, _)) = &trigger {
        txn.execute_batch(&format!("DROP TRIGGER {}", sql_ident(name)))
            .map_err(sql)?;
    }
    {
        let mut insert = txn
            .prepare(&format!(
                "INSERT INTO {} ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                sql_ident(TIDY_TABLE),
                COLUMNS.join(", ")
            ))
            .map_err(sql)?;
        for (i, r) in rows.iter().enumerate() {
            let published = r.status.is_published();
            let value = r.value.filter(|v| published && v.is_finite());
            if published && value.is_none() {
                return Err(format!(
                    "ligne {} : valeur publiée absente ou non finie",
                    i + 1
                ));
            }
            let base = r.base.filter(|_| published);
            insert
                .execute(rusqlite::params![
                    r.scale,
                    r.code,
                    r.population,
                    r.zone,
                    r.indicator,
                    r.nature,
                    value,
                    base,
                    r.status.key()
                ])
                .map_err(|e| format!("ligne {} : {}", i + 1, sql(e)))?;
        }
    }
    txn.execute_batch(&format!(
        "CREATE INDEX {} ON {} (echelle, code, population, zone);\n\
         UPDATE gpkg_ogr_contents SET feature_count = {} WHERE lower(table_name) = lower('{TIDY_TABLE}');",
        sql_ident(&format!("{TIDY_TABLE}_cle_idx")),
        sql_ident(TIDY_TABLE),
        rows.len()
    ))
    .map_err(|e| format!("index : {}", sql(e)))?;
    if let Some((_, create)) = &trigger {
        txn.execute_batch(create).map_err(sql)?;
    }
    txn.commit().map_err(sql)
}

/// SQL identifier.
fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_tidy_columns() {
        let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        assert_eq!(names, COLUMNS);
        let titles: std::collections::HashSet<&str> = FIELDS.iter().map(|f| f.1).collect();
        assert_eq!(titles.len(), FIELDS.len());
    }
}
