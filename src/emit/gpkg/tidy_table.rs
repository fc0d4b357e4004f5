//! The long `indicateurs` table of the GeoPackage.

use std::collections::hash_map::{Entry, HashMap};

use gdal::vector::{LayerOptions, OGRwkbGeometryType};
use gdal::{Dataset, Metadata};
use rusqlite::OptionalExtension;

use super::columns::ColumnKind;
use super::ogr::{self, describe, FieldSpec};
use super::STATUS_DOMAIN;
use crate::layout::tidy::{TidyRow, COLUMNS, TIDY_TABLE};
use crate::secrecy::Status;

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

/// What every row satisfies, as (SQL condition, French description of a failure), checked
/// before publication: a published value is present, and an unpublished one is empty, with
/// its base count ([`insert_rows`] writes them so).
pub(crate) fn row_rules() -> Vec<(String, String)> {
    let published = format!("'{}'", Status::Publie.key());
    vec![
        (
            format!("statut <> {published} OR valeur IS NOT NULL"),
            "valeur publiée absente".into(),
        ),
        (
            format!("statut = {published} OR (valeur IS NULL AND effectif IS NULL)"),
            "valeur ou effectif renseigné pour une valeur non publiée".into(),
        ),
    ]
}

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

/// Longest run of rows inserted by one statement (769 parameters, within SQLite's limit of
/// 32,766).
const MAX_RUN: usize = 256;

/// Statements kept prepared at most (the demo needs one per layer).
const MAX_STATEMENTS: usize = 64;

/// A run of consecutive rows of one unit (same scale, population, zone and code), apart from
/// the code and from what is published: its statement writes these as SQL literals.
#[derive(PartialEq, Eq, Hash)]
struct Shape {
    scale: &'static str,
    population: &'static str,
    zone: &'static str,
    /// (indicateur, nature) of each row.
    rows: Vec<(&'static str, &'static str)>,
}

/// The `INSERT` of a run of rows of `shape`: parameter 1 is the code, then value, base count
/// and status of each row.
fn insert_sql(shape: &Shape) -> String {
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let rows: Vec<String> = shape
        .rows
        .iter()
        .enumerate()
        .map(|(k, (indicator, nature))| {
            format!(
                "({}, ?1, {}, {}, {}, {}, ?{}, ?{}, ?{})",
                lit(shape.scale),
                lit(shape.population),
                lit(shape.zone),
                lit(indicator),
                lit(nature),
                3 * k + 2,
                3 * k + 3,
                3 * k + 4
            )
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        sql_ident(TIDY_TABLE),
        COLUMNS.join(", "),
        rows.join(", ")
    )
}

/// Inserts the rows into the table [`create`] made, through `conn` (a transaction on the file
/// GDAL has closed), then builds the index on (echelle, code, population, zone) and records the
/// row count in `gpkg_ogr_contents`. The table holds one row per value of every layer — 675,000
/// for the demo: one OGR feature per row took three times longer than one prepared SQLite
/// statement per row. Here one statement inserts all the rows of a unit (one per indicator of
/// its layer): starting a statement costs more than inserting a row, and the columns shared by
/// the rows of a layer are SQL literals of the statement, not text copied into SQLite for
/// every row.
pub(crate) fn insert_rows(conn: &rusqlite::Connection, rows: &[TidyRow]) -> Result<(), String> {
    let sql = |e: rusqlite::Error| format!("SQLite : {e}");
    // GDAL's per-row trigger updating gpkg_ogr_contents would run once per row: it is set aside
    // during the bulk insert and put back as it was, and the count is written once at the end
    let trigger: Option<(String, String)> = conn
        .query_row(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 \
             AND name LIKE 'trigger_insert_feature_count_%'",
            [TIDY_TABLE],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql)?;
    if let Some((name, _)) = &trigger {
        conn.execute_batch(&format!("DROP TRIGGER {}", sql_ident(name)))
            .map_err(sql)?;
    }
    let mut statements: HashMap<Shape, rusqlite::Statement<'_>> = HashMap::new();
    let mut start = 0;
    while start < rows.len() {
        let first = &rows[start];
        let run = rows[start..]
            .iter()
            .take(MAX_RUN)
            .take_while(|r| {
                (r.scale, r.population, r.zone, &r.code)
                    == (first.scale, first.population, first.zone, &first.code)
            })
            .count();
        let run = &rows[start..start + run];
        let shape = Shape {
            scale: first.scale,
            population: first.population,
            zone: first.zone,
            rows: run.iter().map(|r| (r.indicator, r.nature)).collect(),
        };
        if statements.len() >= MAX_STATEMENTS && !statements.contains_key(&shape) {
            statements.clear();
        }
        let insert = match statements.entry(shape) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let st = conn.prepare(&insert_sql(e.key())).map_err(sql)?;
                e.insert(st)
            }
        };
        let lines = format!("lignes {} à {}", start + 1, start + run.len());
        insert
            .raw_bind_parameter(1, first.code.as_str())
            .map_err(|e| format!("{lines} : {}", sql(e)))?;
        for (k, r) in run.iter().enumerate() {
            let line = start + k + 1;
            let published = r.status.is_published();
            let value = r.value.filter(|v| published && v.is_finite());
            if published && value.is_none() {
                return Err(format!(
                    "ligne {line} : valeur publiée absente ou non finie"
                ));
            }
            let base = r.base.filter(|_| published);
            let at = |e| format!("ligne {line} : {}", sql(e));
            insert.raw_bind_parameter(3 * k + 2, value).map_err(at)?;
            insert.raw_bind_parameter(3 * k + 3, base).map_err(at)?;
            insert
                .raw_bind_parameter(3 * k + 4, r.status.key())
                .map_err(at)?;
        }
        insert
            .raw_execute()
            .map_err(|e| format!("{lines} : {}", sql(e)))?;
        start += run.len();
    }
    drop(statements);
    conn.execute_batch(&format!(
        "CREATE INDEX {} ON {} (echelle, code, population, zone);\n\
         UPDATE gpkg_ogr_contents SET feature_count = {} WHERE lower(table_name) = lower('{TIDY_TABLE}');",
        sql_ident(&format!("{TIDY_TABLE}_cle_idx")),
        sql_ident(TIDY_TABLE),
        rows.len()
    ))
    .map_err(|e| format!("index : {}", sql(e)))?;
    if let Some((_, create)) = &trigger {
        conn.execute_batch(create).map_err(sql)?;
    }
    Ok(())
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

    /// Rows are stored in order, whatever the runs: units longer than a statement, more row
    /// shapes than statements kept, quotes in the literals, published and secret values.
    #[test]
    fn insert_rows_stores_every_row_in_order() {
        let statuses = [
            Status::Publie,
            Status::SecretEffectif,
            Status::SecretSecondaire,
        ];
        let indicators: Vec<&'static str> = (0..100)
            .map(|i| &*Box::leak(format!("ind_{i}'x").into_boxed_str()))
            .collect();
        let mut rows = Vec::new();
        // 90 units of varying length (up to 2.5 runs), many distinct shapes
        for u in 0..90usize {
            let n = 1 + (u * 37) % (MAX_RUN * 5 / 2);
            for k in 0..n {
                let status = statuses[(u + k) % 3];
                rows.push(TidyRow {
                    scale: if u % 2 == 0 { "commune" } else { "iris" },
                    code: format!("{:05}", u / 3),
                    population: "ensemble",
                    zone: "tout",
                    indicator: indicators[(k + u) % indicators.len()],
                    nature: if k % 2 == 0 { "compte" } else { "part" },
                    value: Some((u * 1000 + k) as f64 / 4.0),
                    base: Some((u + k) as i64),
                    status,
                });
            }
        }
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, \
             feature_count INTEGER DEFAULT NULL); \
             INSERT INTO gpkg_ogr_contents VALUES ('{TIDY_TABLE}', 0); \
             CREATE TABLE {TIDY_TABLE} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \
             echelle TEXT NOT NULL, code TEXT NOT NULL, population TEXT NOT NULL, \
             zone TEXT NOT NULL, indicateur TEXT NOT NULL, nature TEXT NOT NULL, valeur REAL, \
             effectif INTEGER, statut TEXT NOT NULL);"
        ))
        .unwrap();
        insert_rows(&conn, &rows).unwrap();
        let mut st = conn
            .prepare(&format!("SELECT * FROM {TIDY_TABLE} ORDER BY fid"))
            .unwrap();
        let stored: Vec<(i64, Vec<rusqlite::types::Value>)> = st
            .query_map([], |r| {
                Ok((r.get(0)?, (1..10).map(|i| r.get(i).unwrap()).collect()))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(stored.len(), rows.len());
        use rusqlite::types::Value;
        for (i, (r, (fid, s))) in rows.iter().zip(&stored).enumerate() {
            let published = r.status.is_published();
            let text = |t: &str| Value::Text(t.to_string());
            let expected = vec![
                text(r.scale),
                text(&r.code),
                text(r.population),
                text(r.zone),
                text(r.indicator),
                text(r.nature),
                if published {
                    Value::Real(r.value.unwrap())
                } else {
                    Value::Null
                },
                if published {
                    Value::Integer(r.base.unwrap())
                } else {
                    Value::Null
                },
                text(r.status.key()),
            ];
            assert_eq!(*fid, i as i64 + 1);
            assert_eq!(s, &expected, "row {}", i + 1);
        }
        let count: i64 = conn
            .query_row("SELECT feature_count FROM gpkg_ogr_contents", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(count, rows.len() as i64);
    }
}
