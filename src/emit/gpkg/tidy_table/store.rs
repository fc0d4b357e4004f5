//! Filling the tables of the long table and creating its view, once GDAL has closed the file.

use crate::emit::gpkg::fault::Fault;
use std::collections::HashMap;

use rusqlite::OptionalExtension;

use super::{sql_ident, sql_text, view_sql, STATUS_DOMAIN, STORAGE, TIDY_DESCRIPTION, TIDY_TITLE};
use crate::layout::tidy::{
    status_number, TidyRow, NAMES_TABLE, STATUS_TABLE, TIDY_TABLE, UNITS_TABLE, VALUES_TABLE,
};
use crate::secrecy::Status;

/// Rows of [`VALUES_TABLE`] inserted by one statement (640 parameters, within SQLite's limit
/// of 32,766): starting a statement costs more than inserting a row.
const RUN: usize = 128;

/// Numbers given in order of first appearance.
struct Numbers<K> {
    known: HashMap<K, i64>,
    /// The last key asked for and its number: the values of a unit come one after the other,
    /// so most keys are the last one again, found without hashing.
    last: Option<(K, i64)>,
}

impl<K: std::hash::Hash + Eq + Copy> Numbers<K> {
    fn new() -> Self {
        Self {
            known: HashMap::new(),
            last: None,
        }
    }

    /// The number of `key`, and whether it is new.
    fn of(&mut self, key: K) -> (i64, bool) {
        if let Some((k, n)) = self.last {
            if k == key {
                return (n, false);
            }
        }
        let next = self.known.len() as i64 + 1;
        let mut new = false;
        let n = *self.known.entry(key).or_insert_with(|| {
            new = true;
            next
        });
        self.last = Some((key, n));
        (n, new)
    }
}

/// Inserts `rows` into the tables [`create`] made, through `conn` (a transaction on the file
/// GDAL has closed), indexes them, records their row counts in `gpkg_ogr_contents`, and
/// creates and registers the view `indicateurs` that reads them. `now` is the SQL expression
/// of the view's `last_change`. A unit and an indicator are numbered where they first appear;
/// the value rows keep the order of `rows` (their `fid` is their rank, from 1).
pub(crate) fn insert_rows(
    conn: &rusqlite::Connection,
    rows: &[TidyRow],
    now: &str,
) -> Result<(), Fault> {
    let triggers = set_triggers_aside(conn)?;
    insert_statuses(conn)?;
    let (units, names) = insert_values(conn, rows)?;
    index_and_count(conn, units, names, rows.len())?;
    for (_, create) in &triggers {
        conn.execute_batch(create)?;
    }
    create_view(conn, now).map_err(|e| Fault::from(e).within(format!("vue « {TIDY_TABLE} »")))
}

/// Drops GDAL's per-row triggers updating `gpkg_ogr_contents` on the tables of the long
/// table, which would run once per row; returns their names and `CREATE` statements, to put
/// them back as they were after the bulk insert (the counts are written once).
fn set_triggers_aside(conn: &rusqlite::Connection) -> Result<Vec<(String, String)>, Fault> {
    let mut triggers: Vec<(String, String)> = Vec::new();
    for table in &STORAGE {
        let trigger: Option<(String, String)> = conn
            .query_row(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 \
                 AND name LIKE 'trigger_insert_feature_count_%'",
                [table.name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((name, create)) = trigger {
            conn.execute_batch(&format!("DROP TRIGGER {}", sql_ident(&name)))?;
            triggers.push((name, create));
        }
    }
    Ok(triggers)
}

/// Fills [`STATUS_TABLE`]: every status, numbered by [`status_number`].
fn insert_statuses(conn: &rusqlite::Connection) -> Result<(), Fault> {
    let mut status = conn.prepare(&format!(
        "INSERT INTO {} (fid, statut, libelle) VALUES (?1, ?2, ?3)",
        sql_ident(STATUS_TABLE)
    ))?;
    for s in Status::ALL {
        status
            .execute(rusqlite::params![status_number(s), s.key(), s.label()])
            .map_err(|e| Fault::from(e).within(format!("table « {STATUS_TABLE} »")))?;
    }
    Ok(())
}

/// The statement inserting `n` rows into [`VALUES_TABLE`].
fn values_sql(n: usize) -> String {
    format!(
        "INSERT INTO {} (unite, indicateur, valeur, effectif, statut) VALUES {}",
        sql_ident(VALUES_TABLE),
        vec!["(?, ?, ?, ?, ?)"; n].join(", ")
    )
}

/// Inserts `rows` into [`VALUES_TABLE`], [`RUN`] rows per statement, and each unit and
/// indicator into [`UNITS_TABLE`] and [`NAMES_TABLE`] where it first appears; returns the
/// number of units and of indicators.
fn insert_values(conn: &rusqlite::Connection, rows: &[TidyRow]) -> Result<(usize, usize), Fault> {
    let mut w = Writer {
        unit: conn.prepare(&format!(
            "INSERT INTO {} (fid, echelle, code, population, zone) VALUES (?1, ?2, ?3, ?4, ?5)",
            sql_ident(UNITS_TABLE)
        ))?,
        name: conn.prepare(&format!(
            "INSERT INTO {} (fid, indicateur, nature, titre) VALUES (?1, ?2, ?3, ?4)",
            sql_ident(NAMES_TABLE)
        ))?,
        units: Numbers::new(),
        names: Numbers::new(),
    };
    let mut full_run = conn.prepare(&values_sql(RUN))?;
    for (start, run) in (0..).step_by(RUN).zip(rows.chunks(RUN)) {
        let mut short;
        let insert = if run.len() == RUN {
            &mut full_run
        } else {
            short = conn.prepare(&values_sql(run.len()))?;
            &mut short
        };
        for (k, r) in run.iter().enumerate() {
            w.bind(insert, k, start + k + 1, r)?;
        }
        insert.raw_execute().map_err(|e| {
            Fault::from(e).within(format!(
                "table « {VALUES_TABLE} », lignes {} à {}",
                start + 1,
                start + run.len()
            ))
        })?;
    }
    Ok((w.units.known.len(), w.names.known.len()))
}

/// The statements and numbering of units and indicators while inserting value rows.
struct Writer<'c, 'r> {
    unit: rusqlite::Statement<'c>,
    name: rusqlite::Statement<'c>,
    units: Numbers<(&'r str, &'r str, &'r str, &'r str)>,
    names: Numbers<(&'r str, &'r str)>,
}

impl<'r> Writer<'_, 'r> {
    /// Binds row `r` (number `line` from 1) as the `k`-th row of `insert`, after inserting its
    /// unit and its indicator when they are new; fails on a published value that is missing
    /// or not finite.
    fn bind(
        &mut self,
        insert: &mut rusqlite::Statement<'_>,
        k: usize,
        line: usize,
        r: &'r TidyRow,
    ) -> Result<(), Fault> {
        let at = |e: rusqlite::Error| Fault::from(e).within(format!("ligne {line}"));
        let (u, new) = self.units.of((r.scale, &*r.code, r.population, r.zone));
        if new {
            self.unit
                .execute(rusqlite::params![u, r.scale, r.code, r.population, r.zone])
                .map_err(|e| at(e).within(format!("table « {UNITS_TABLE} »")))?;
        }
        let (i, new) = self.names.of((r.indicator, r.nature));
        if new {
            let title = crate::indicators::by_field(r.indicator).map_or(r.indicator, |d| d.title);
            self.name
                .execute(rusqlite::params![i, r.indicator, r.nature, title])
                .map_err(|e| at(e).within(format!("table « {NAMES_TABLE} »")))?;
        }
        let published = r.status.is_published();
        let value = r.value.filter(|v| published && v.is_finite());
        if published && value.is_none() {
            return Err(format!("ligne {line} : valeur publiée absente ou non finie").into());
        }
        let base = r.base.filter(|_| published);
        let p = 5 * k;
        insert.raw_bind_parameter(p + 1, u).map_err(at)?;
        insert.raw_bind_parameter(p + 2, i).map_err(at)?;
        insert.raw_bind_parameter(p + 3, value).map_err(at)?;
        insert.raw_bind_parameter(p + 4, base).map_err(at)?;
        insert
            .raw_bind_parameter(p + 5, status_number(r.status))
            .map_err(at)?;
        Ok(())
    }
}

/// Indexes the units and the values, and writes the row count of each table to
/// `gpkg_ogr_contents`, in one batch.
fn index_and_count(
    conn: &rusqlite::Connection,
    units: usize,
    names: usize,
    values: usize,
) -> Result<(), Fault> {
    let count = |table: &str, n: usize| {
        format!(
            "UPDATE gpkg_ogr_contents SET feature_count = {n} WHERE lower(table_name) = lower({});\n",
            sql_text(table)
        )
    };
    let mut batch = format!(
        "CREATE UNIQUE INDEX {} ON {} (echelle, code, population, zone);\n\
         CREATE INDEX {} ON {} (unite);\n",
        sql_ident(&format!("{UNITS_TABLE}_cle_idx")),
        sql_ident(UNITS_TABLE),
        sql_ident(&format!("{VALUES_TABLE}_unite_idx")),
        sql_ident(VALUES_TABLE),
    );
    batch.push_str(&count(UNITS_TABLE, units));
    batch.push_str(&count(NAMES_TABLE, names));
    batch.push_str(&count(STATUS_TABLE, Status::ALL.len()));
    batch.push_str(&count(VALUES_TABLE, values));
    conn.execute_batch(&batch)
        .map_err(|e| Fault::from(e).within("index"))?;
    Ok(())
}

/// Creates the view and registers it as an attribute table (`gpkg_contents`), with the run's
/// metadata ([`VALUES_TABLE`]'s) and the status domain on its `statut` column.
fn create_view(conn: &rusqlite::Connection, now: &str) -> Result<(), rusqlite::Error> {
    conn.execute_batch(&format!(
        "{view};\n\
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) \
         VALUES ({name}, 'attributes', {title}, {description}, {now}, 0);\n\
         INSERT INTO gpkg_metadata_reference \
         (reference_scope, table_name, column_name, row_id_value, timestamp, md_file_id, md_parent_id) \
         SELECT reference_scope, {name}, column_name, row_id_value, timestamp, md_file_id, md_parent_id \
         FROM gpkg_metadata_reference WHERE table_name = {values} AND reference_scope = 'table';\n\
         UPDATE gpkg_data_columns SET constraint_name = {domain} \
         WHERE table_name = {name} AND column_name = 'statut';",
        view = view_sql(),
        name = sql_text(TIDY_TABLE),
        title = sql_text(TIDY_TITLE),
        description = sql_text(TIDY_DESCRIPTION),
        values = sql_text(VALUES_TABLE),
        domain = sql_text(STATUS_DOMAIN),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{row_rules, ColumnKind};
    use super::*;

    /// The tables [`create`] makes, and the GeoPackage tables [`insert_rows`] writes to, as
    /// GDAL lays them out (enough of them for the inserts).
    fn empty_tables() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut sql = String::from(
            "CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, \
             feature_count INTEGER DEFAULT NULL); \
             CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, \
             data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', \
             last_change DATETIME NOT NULL, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, \
             max_y DOUBLE, srs_id INTEGER); \
             CREATE TABLE gpkg_metadata_reference (reference_scope TEXT NOT NULL, \
             table_name TEXT, column_name TEXT, row_id_value INTEGER, timestamp DATETIME, \
             md_file_id INTEGER NOT NULL, md_parent_id INTEGER); \
             CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, \
             name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, \
             UNIQUE (table_name, column_name));",
        );
        for t in &STORAGE {
            let columns: Vec<String> = t
                .fields
                .iter()
                .map(|(name, _, _, kind, not_null)| {
                    let ty = match kind {
                        ColumnKind::Text => "TEXT",
                        ColumnKind::Integer => "INTEGER",
                        ColumnKind::Real => "REAL",
                    };
                    format!("{name} {ty}{}", if *not_null { " NOT NULL" } else { "" })
                })
                .collect();
            sql.push_str(&format!(
                "INSERT INTO gpkg_ogr_contents VALUES ('{n}', 0); \
                 CREATE TABLE {n} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {c}); \
                 CREATE TRIGGER trigger_insert_feature_count_{n} AFTER INSERT ON {n} BEGIN \
                 UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1 \
                 WHERE lower(table_name) = lower('{n}'); END;",
                n = t.name,
                c = columns.join(", ")
            ));
        }
        sql.push_str(&format!(
            "INSERT INTO gpkg_metadata_reference VALUES ('table', '{VALUES_TABLE}', NULL, NULL, \
             '2022-01-01T00:00:00.000Z', 7, NULL); \
             INSERT INTO gpkg_data_columns (table_name, column_name, title) \
             VALUES ('{TIDY_TABLE}', 'statut', 'Statut de publication');"
        ));
        conn.execute_batch(&sql).unwrap();
        conn
    }

    /// Regression (issue 15): SQLite's error was flattened into the message; it is kept as the
    /// source, and said once.
    #[test]
    fn a_failed_insert_keeps_sqlites_error_as_the_source() {
        let conn = empty_tables();
        conn.execute_batch(&format!("DROP TABLE {VALUES_TABLE}"))
            .unwrap();
        let row = TidyRow {
            scale: "commune",
            code: "00001".into(),
            population: "ensemble",
            zone: "tout",
            indicator: "nb_logements",
            nature: "compte",
            value: Some(12.0),
            base: Some(12),
            status: Status::Publie,
        };
        let fault = insert_rows(&conn, &[row], "'2022-01-01T00:00:00.000Z'").unwrap_err();
        let source = std::error::Error::source(&fault).expect("SQLite's error kept");
        assert!(source.to_string().contains("no such table"), "{source}");
        assert!(!fault.to_string().contains("no such table"), "{fault}");
    }

    /// The view gives back every row in order, whatever the runs: more rows than one statement
    /// inserts, a last short run, a unit met again after others, quotes in the names,
    /// published and secret values; the triggers GDAL made are back, the counts written, the
    /// view registered with the run's metadata and the status domain.
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
        // 90 units of varying length (up to 2.5 runs); units of the same code and scale two
        // places apart
        for u in 0..90usize {
            let n = 1 + (u * 37) % (RUN * 5 / 2);
            for k in 0..n {
                let status = statuses[(u + k) % 3];
                rows.push(TidyRow {
                    scale: if u % 2 == 0 { "commune" } else { "iris" },
                    code: format!("{:05}", u / 3).into(),
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
        let conn = empty_tables();
        insert_rows(&conn, &rows, "'2022-01-01T00:00:00.000Z'").unwrap();
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
        let one = |q: &str| -> i64 { conn.query_row(q, [], |r| r.get(0)).unwrap() };
        let count = |t: &str| {
            one(&format!(
                "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = '{t}'"
            ))
        };
        assert_eq!(count(VALUES_TABLE), rows.len() as i64);
        assert_eq!(count(UNITS_TABLE), 90 - 30);
        assert_eq!(count(NAMES_TABLE), 2 * indicators.len() as i64);
        assert_eq!(count(STATUS_TABLE), Status::ALL.len() as i64);
        assert_eq!(
            one("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
            4
        );
        assert_eq!(
            one(&format!(
                "SELECT count(*) FROM gpkg_contents WHERE table_name = '{TIDY_TABLE}' \
                 AND data_type = 'attributes'"
            )),
            1
        );
        assert_eq!(
            one(&format!(
                "SELECT md_file_id FROM gpkg_metadata_reference WHERE table_name = '{TIDY_TABLE}'"
            )),
            7
        );
        let domain: String = conn
            .query_row(
                &format!(
                    "SELECT constraint_name FROM gpkg_data_columns \
                     WHERE table_name = '{TIDY_TABLE}' AND column_name = 'statut'"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(domain, STATUS_DOMAIN);
        // the publication rules hold on what was written, and catch a broken row
        let faults = |conn: &rusqlite::Connection| -> i64 {
            row_rules(VALUES_TABLE)
                .iter()
                .map(|(rule, _)| {
                    conn.query_row(
                        &format!("SELECT count(*) FROM {VALUES_TABLE} WHERE NOT ({rule})"),
                        [],
                        |r| r.get::<_, i64>(0),
                    )
                    .unwrap()
                })
                .sum()
        };
        assert_eq!(faults(&conn), 0);
        conn.execute_batch(&format!(
            "UPDATE {VALUES_TABLE} SET unite = 9999 WHERE fid = 3; \
             UPDATE {VALUES_TABLE} SET statut = 9 WHERE fid = 4;"
        ))
        .unwrap();
        // unknown unit; unknown status, and a value for a status that is not « publié »
        assert_eq!(faults(&conn), 3);
        // a number naming nothing reads as empty: the row stays in the view
        assert_eq!(
            one(&format!("SELECT count(*) FROM {TIDY_TABLE}")),
            rows.len() as i64
        );
    }
}
