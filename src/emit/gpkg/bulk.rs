//! The rows written with SQLite once GDAL has closed the GeoPackage: the tables of the long
//! `indicateurs` table (and its view), column titles (`gpkg_data_columns`) and QGIS styles (`layer_styles`). GDAL created
//! and registered their tables. Its SQL takes no bound parameters: each row was one
//! `ExecuteSQL` call on a statement holding the values (GDAL scans the whole text, some 20 kB
//! for a QML style), and OGR features for the long table were slower still.

use crate::emit::gpkg::fault::Fault;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::layer_styles::{self, StyleRow};
use super::tidy_table;
use crate::layout::tidy::TidyRow;
use crate::layout::tidy::TIDY_TABLE;

/// What [`write`] stores.
pub(super) struct Rows<'a> {
    /// `gpkg_data_columns`: table, column, title, description.
    pub data_columns: &'a [(&'a str, &'a str, &'a str, &'a str)],
    pub styles: &'a [StyleRow<'a>],
    /// SQL expression of the timestamp of the styles and of the view `indicateurs`.
    pub now: &'a str,
    pub tidy: &'a [TidyRow],
}

/// Stores `rows` in the GeoPackage at `path`, in one transaction.
pub(super) fn write(path: &Path, rows: &Rows<'_>) -> Result<(), Fault> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // The file is new, nothing else uses it, and a failed write deletes it (`write_gpkg`): no
    // fsync, and the rollback journal is kept in memory (a rollback still works). A run
    // publishes the file only after checking it, by renaming its staging folder, which it
    // syncs to disk first (`pipeline::publish`): no durability is lost. The page cache (64 MiB
    // at most, allocated as used; 10 % faster than the default 2 MiB) holds most of the long
    // table and of its index while they are built.
    conn.execute_batch(
        "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY; PRAGMA cache_size = -65536;",
    )?;
    let txn = conn.transaction()?;
    write_data_columns(&txn, rows.data_columns)?;
    layer_styles::insert_rows(&txn, rows.styles, rows.now)?;
    tidy_table::insert_rows(&txn, rows.tidy, rows.now)
        .map_err(|e| format!("table « {TIDY_TABLE} » : {e}"))?;
    txn.commit().map_err(Fault::from)
}

/// Fills `gpkg_data_columns` (created, with the `gpkg_schema` extension, by GDAL when the field
/// domain was added) with the title and description of every column; `name` is left NULL
/// because GDAL 3.6 declares it globally UNIQUE.
fn write_data_columns(conn: &Connection, rows: &[(&str, &str, &str, &str)]) -> Result<(), Fault> {
    let mut upsert = conn
        .prepare(
            "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) \
             VALUES (?1, ?2, NULL, ?3, ?4) ON CONFLICT (table_name, column_name) \
             DO UPDATE SET title = excluded.title, description = excluded.description",
        )
        .map_err(|e| format!("gpkg_data_columns : {e}"))?;
    for (table, column, title, description) in rows {
        upsert
            .execute([table, column, title, description])
            .map_err(|e| format!("gpkg_data_columns : « {table}.{column} » : {e}"))?;
    }
    Ok(())
}
