//! The checks of [`check_gpkg`](super::check_gpkg) made directly in SQLite, each on its own
//! read-only connection so that they run beside the OGR checks: the integrity of the whole
//! file, and the values of every table registered in `gpkg_contents`.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{ident, lit};
use crate::emit::gpkg::tidy_table;

fn open(path: &Path) -> Result<Connection, String> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("ouverture impossible (SQLite) : {e}"))
}

fn strings(c: &Connection, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let err = |e: rusqlite::Error| format!("« {sql} » : {e}");
    let mut st = c.prepare(sql).map_err(err)?;
    let n = st.column_count();
    let rows = st
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get_ref(i).map(|v| match v {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(i) => Some(i.to_string()),
                        rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            Some(String::from_utf8_lossy(t).into_owned())
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(err)?;
    rows.collect::<Result<_, _>>().map_err(err)
}

/// `PRAGMA integrity_check` over the whole file: every b-tree well formed, every page used
/// once, every index entry matching its table row, every record header readable, NOT NULL
/// constraints. At most ten messages.
pub(super) fn integrity(path: &Path) -> Result<Vec<String>, String> {
    let c = open(path)?;
    let found = strings(&c, "PRAGMA integrity_check(10)")?;
    let messages: Vec<String> = found.into_iter().filter_map(|r| r[0].clone()).collect();
    if messages.len() == 1 && messages[0] == "ok" {
        return Ok(Vec::new());
    }
    Ok(messages
        .into_iter()
        .map(|m| format!("intégrité SQLite : {m}"))
        .collect())
}

/// SQL condition true when a value of column `q` does not have the storage class its declared
/// GeoPackage type requires (NULL aside: the condition is then NULL); `None` for types not
/// checked here (geometries).
///
/// Comparisons instead of `typeof()`, a function call per value that made this check slower
/// than the integrity check: SQLite orders values NULL < numbers < text < blobs, and converts
/// a value to the column's affinity when storing it — a TEXT column turns numbers into text
/// (only a blob can be out of place), a REAL column integers into reals (only text or a blob
/// can), an INTEGER column integral reals into integers (other reals, text or a blob can).
fn misfit(q: &str, declared: &str) -> Option<String> {
    let base = declared
        .split('(')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    Some(match base.as_str() {
        // a blob (the empty blob is the smallest)
        "TEXT" => format!("{q} >= x''"),
        // text or a blob
        "REAL" | "FLOAT" | "DOUBLE" => format!("{q} >= ''"),
        // text, a blob, or a real that is not an integer
        "INTEGER" | "INT" | "MEDIUMINT" | "SMALLINT" | "TINYINT" => {
            format!("{q} >= '' OR {q} <> CAST({q} AS INTEGER)")
        }
        // NUMERIC affinity: 1, '1' and 1.0 are all stored as the integer 1
        "BOOLEAN" => format!("{q} NOT IN (0, 1)"),
        // a number or a blob
        "DATE" | "DATETIME" => format!("{q} < '' OR {q} >= x''"),
        // anything but a blob
        "BLOB" => format!("{q} < x''"),
        _ => return None,
    })
}

fn in_list(values: &[String]) -> String {
    values.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ")
}

/// Every value of every table of `gpkg_contents` (geometries aside, which OGR decodes), in
/// one pass per table: its storage class is the one the declared column type requires
/// ([`misfit`]: SQLite stores, say, a word in an INTEGER column as text, which OGR would read
/// as 0), booleans are 0 or 1, values of a column with a coded field domain are codes of the
/// domain; the rows of the long table's values follow its publication rules
/// ([`tidy_table::row_rules`]).
pub(super) fn values(path: &Path) -> Result<Vec<String>, String> {
    let c = open(path)?;
    let tables: Vec<(String, Option<String>)> = strings(
        &c,
        "SELECT c.table_name, g.column_name FROM gpkg_contents c \
         JOIN sqlite_master m ON m.name = c.table_name AND m.type = 'table' \
         LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
         ORDER BY c.table_name",
    )?
    .into_iter()
    .filter_map(|r| Some((r[0].clone()?, r[1].clone())))
    .collect();
    let has = |t: &str| -> Result<bool, String> {
        Ok(!strings(
            &c,
            &format!("SELECT 1 FROM sqlite_master WHERE name = {}", lit(t)),
        )?
        .is_empty())
    };
    // coded field domains: (table, column) → codes
    let mut coded: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    if has("gpkg_data_columns")? && has("gpkg_data_column_constraints")? {
        for r in strings(
            &c,
            "SELECT d.table_name, d.column_name, k.value FROM gpkg_data_columns d \
             JOIN gpkg_data_column_constraints k ON k.constraint_name = d.constraint_name \
             WHERE k.constraint_type = 'enum' AND k.value IS NOT NULL",
        )? {
            if let (Some(t), Some(col), Some(v)) = (r[0].clone(), r[1].clone(), r[2].clone()) {
                coded.entry((t, col)).or_default().push(v);
            }
        }
    }
    let mut problems = Vec::new();
    for (table, geometry) in tables {
        // (SQL condition true for a faulty row, French description of the fault)
        let mut checks: Vec<(String, String)> = Vec::new();
        for col in strings(
            &c,
            &format!("SELECT name, type FROM pragma_table_info({})", lit(&table)),
        )? {
            let (Some(name), declared) = (col[0].clone(), col[1].clone().unwrap_or_default())
            else {
                continue;
            };
            let q = ident(&name);
            if let Some(codes) = coded.get(&(table.clone(), name.clone())) {
                // a code is text, as the column: no need to check the type apart
                checks.push((
                    format!("{q} NOT IN ({})", in_list(codes)),
                    format!("« {name} » : valeurs hors du domaine de codes"),
                ));
                continue;
            }
            // the geometry is decoded by OGR
            if Some(&name) == geometry.as_ref() {
                continue;
            }
            if let Some(condition) = misfit(&q, &declared) {
                checks.push((
                    condition,
                    format!("« {name} » : valeurs qui ne sont pas du type {declared}"),
                ));
            }
        }
        for (rule, fault) in tidy_table::row_rules(&table) {
            checks.push((format!("NOT ({rule})"), fault));
        }
        if checks.is_empty() {
            continue;
        }
        // one pass counts the faulty rows (a NULL condition counts as no fault: NULLs are
        // allowed by the types, NOT NULL is the integrity check's); a second one, only when
        // some are found, tells which faults
        let any = checks
            .iter()
            .map(|(e, _)| format!("({e})"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let faulty = strings(
            &c,
            &format!("SELECT count(*) FROM {} WHERE {any}", ident(&table)),
        )?;
        if faulty.first().and_then(|r| r[0].as_deref()) == Some("0") {
            continue;
        }
        let sums = checks
            .iter()
            .map(|(e, _)| format!("coalesce(sum({e}), 0)"))
            .collect::<Vec<_>>()
            .join(", ");
        let counts = strings(&c, &format!("SELECT {sums} FROM {}", ident(&table)))?
            .into_iter()
            .next()
            .unwrap_or_default();
        for ((_, fault), n) in checks.iter().zip(counts) {
            let n: u64 = n.and_then(|v| v.parse().ok()).unwrap_or(0);
            if n > 0 {
                problems.push(format!("« {table} » : {fault} ({n} ligne(s))"));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQL literals of values stored into a column, and whether each is out of place (`None`:
    /// NULL, which the condition leaves undecided).
    type Stored<'a> = &'a [(&'a str, Option<bool>)];

    /// Each declared type against values of every storage class.
    #[test]
    fn misfit_flags_exactly_the_values_of_another_storage_class() {
        let c = Connection::open_in_memory().unwrap();
        let cases: [(&str, Stored); 6] = [
            (
                "TEXT",
                &[
                    ("'a'", Some(false)),
                    ("12", Some(false)),
                    ("x'00'", Some(true)),
                    ("NULL", None),
                ],
            ),
            (
                "REAL",
                &[
                    ("1.5", Some(false)),
                    ("3", Some(false)),
                    ("'abc'", Some(true)),
                    ("''", Some(true)),
                    ("x'01'", Some(true)),
                ],
            ),
            (
                "INTEGER",
                &[
                    ("2", Some(false)),
                    ("4.0", Some(false)),
                    ("2.5", Some(true)),
                    ("1e19", Some(true)),
                    ("'zz'", Some(true)),
                    ("x''", Some(true)),
                ],
            ),
            (
                "BOOLEAN",
                &[
                    ("1", Some(false)),
                    ("'0'", Some(false)),
                    ("1.0", Some(false)),
                    ("2", Some(true)),
                    ("'true'", Some(true)),
                ],
            ),
            (
                "DATETIME",
                &[
                    ("'2024-01-01T00:00:00Z'", Some(false)),
                    ("12", Some(true)),
                    ("1.5", Some(true)),
                    ("x'02'", Some(true)),
                ],
            ),
            (
                "BLOB",
                &[
                    ("x'00'", Some(false)),
                    ("'a'", Some(true)),
                    ("3", Some(true)),
                ],
            ),
        ];
        for (declared, values) in cases {
            c.execute_batch(&format!(
                "DROP TABLE IF EXISTS t; CREATE TABLE t (v {declared})"
            ))
            .unwrap();
            let condition = misfit("v", declared).unwrap();
            for (value, faulty) in values {
                c.execute_batch(&format!("DELETE FROM t; INSERT INTO t VALUES ({value})"))
                    .unwrap();
                let found: Option<bool> = c
                    .query_row(&format!("SELECT {condition} FROM t"), [], |r| r.get(0))
                    .unwrap();
                assert_eq!(found, *faulty, "{declared} ← {value}");
            }
        }
        assert!(misfit("g", "MULTIPOLYGON").is_none());
        assert_eq!(misfit("v", "TEXT(20)").as_deref(), Some("v >= x''"));
    }
}
