//! Reading a published GeoPackage: the `indicateurs` table and the hierarchy keys of the layers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use gdal::vector::LayerAccess;
use gdal::Dataset;

use super::AuditError;
use crate::indicators::{self, IndicatorDef};
use crate::layout::layer_name;
use crate::model::{Population, Scale, Split};
use crate::secrecy::Status;

/// A problem met while reading, before the path is known to the message.
#[derive(Debug)]
enum ReadError {
    Content(String),
    /// Where (ending with « : », or empty) and SQLite's error.
    Sqlite(String, rusqlite::Error),
}

impl From<String> for ReadError {
    fn from(message: String) -> Self {
        ReadError::Content(message)
    }
}

impl ReadError {
    fn at(self, path: &Path) -> AuditError {
        let path = path.to_path_buf();
        match self {
            ReadError::Content(message) => AuditError::Read { path, message },
            ReadError::Sqlite(context, source) => AuditError::Sqlite {
                path,
                context,
                source,
            },
        }
    }
}

/// An SQLite error with no more context.
fn sql(e: rusqlite::Error) -> ReadError {
    ReadError::Sqlite(String::new(), e)
}

/// An SQLite error met at `context`.
fn sql_at(context: String) -> impl FnOnce(rusqlite::Error) -> ReadError {
    move |e| ReadError::Sqlite(format!("{context} : "), e)
}

/// One row of the `indicateurs` table.
#[derive(Debug, Clone)]
pub struct Value {
    pub scale: Scale,
    /// Shared by the values of one row (read once per row, not once per value).
    pub code: Arc<str>,
    pub population: Population,
    pub zone: Split,
    /// The catalogue's own name when the indicator is known (no copy per value).
    pub indicator: Cow<'static, str>,
    /// The catalogue definition of `indicator` (`None`: not an indicator of this version).
    pub def: Option<&'static IndicatorDef>,
    pub value: Option<f64>,
    pub base: Option<i64>,
    pub status: Status,
}

/// What the audit reads from a GeoPackage.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub values: Vec<Value>,
    /// `(scale, code)` → parent codes by key column (`code_batiment`, `code_commune`…), read
    /// from the « ensemble » layer of each scale.
    pub keys: HashMap<(Scale, String), HashMap<String, String>>,
    /// The totals of the manifest ([`crate::secrecy::reader::Total`] order), when known.
    pub totals: [Option<i64>; 4],
}

fn scale_of(key: &str) -> Option<Scale> {
    Scale::ALL.into_iter().find(|s| s.key() == key)
}

fn population_of(key: &str) -> Option<Population> {
    Population::ALL.into_iter().find(|p| p.key() == key)
}

fn split_of(key: &str) -> Option<Split> {
    Split::ALL.into_iter().find(|s| s.key() == key)
}

/// Key columns the audit uses, per scale.
pub fn parent_keys(scale: Scale) -> &'static [&'static str] {
    match scale {
        Scale::Cage => &["code_batiment"],
        Scale::Batiment => &["code_programme"],
        Scale::Programme => &["code_commune"],
        Scale::Commune => &["code_epci", "code_departement", "code_region"],
        Scale::Departement => &["code_region"],
        Scale::Iris => &["code_commune"],
        _ => &[],
    }
}

/// Reads the `indicateurs` table and the hierarchy keys of `path`.
pub fn read(path: &Path) -> Result<Published, AuditError> {
    let err = |message: String| AuditError::Read {
        path: path.to_path_buf(),
        message,
    };
    let written = read_tidy(path).map_err(|e| e.at(path))?;
    let mut out = Published {
        values: restore_small_rows(path, written).map_err(|e| e.at(path))?,
        ..Default::default()
    };
    let ds = Dataset::open(path).map_err(|source| AuditError::Gdal {
        path: path.to_path_buf(),
        source,
    })?;
    for scale in Scale::ALL {
        let cols = parent_keys(scale);
        if cols.is_empty() {
            continue;
        }
        let name = layer_name(scale, Population::Ensemble, Split::Tout);
        let Ok(mut layer) = ds.layer_by_name(&name) else {
            continue;
        };
        let key0 = crate::layout::key_fields(scale)[0].name;
        let i0 = layer
            .defn()
            .field_index(key0)
            .map_err(|_| err(format!("{name} : colonne « {key0} » absente")))?;
        let idx: Vec<Option<usize>> = cols
            .iter()
            .map(|c| layer.defn().field_index(c).ok())
            .collect();
        for f in layer.features() {
            let Some(code) = f.field_as_string(i0).ok().flatten() else {
                continue;
            };
            let mut m = HashMap::new();
            for (c, i) in cols.iter().zip(&idx) {
                if let Some(v) = i.and_then(|i| f.field_as_string(i).ok().flatten()) {
                    m.insert(c.to_string(), v);
                }
            }
            out.keys.insert((scale, code), m);
        }
    }
    Ok(out)
}

/// One layer of the file: (scale, population, zone).
type Segment = (Scale, Population, Split);

/// One row written in the table: its code and the positions of its values in the table's
/// rows (positions, not copies: the values move once, into the restored list).
type WrittenRow = (Arc<str>, std::ops::Range<usize>);

/// A segment's layer when written: its indicators and its number of rows.
type OnDisk = Option<(Vec<&'static IndicatorDef>, usize)>;

/// The values of the rows that the table leaves out ([`crate::layout::tidy::is_small_row`]:
/// every value `secret_effectif`), restored from the layers: each layer's features, in `fid`
/// order, are its rows in the table's order; a feature without rows in the table is a row whose
/// values (one per `<indicator>_secret` column of the layer) are all `secret_effectif`.
fn restore_small_rows(path: &Path, written: Vec<Value>) -> Result<Vec<Value>, ReadError> {
    let (order, mut segments) = written_segments(&written);
    let mut written: Vec<Option<Value>> = written.into_iter().map(Some).collect();
    let order = with_unwritten_segments(order, &segments);
    let conn = open_read_only(path)?;
    let layers = layers_on_disk(&conn, order)?;
    // every value of every layer row, written or restored: reserved once (at 300,000 dwellings
    // a few million values; grown by doubling, the copies would double the audit's peak)
    let capacity: usize = layers
        .iter()
        .filter_map(|(_, _, d)| d.as_ref().map(|(fields, rows)| fields.len() * rows))
        .sum();
    let mut out = Vec::with_capacity(capacity.max(written.len()));
    for (seg, layer, on_disk) in layers {
        let rows = segments.remove(&seg).unwrap_or_default();
        let Some((fields, _)) = on_disk else {
            if !rows.is_empty() {
                return Err(format!(
                    "{} ligne(s) de la table « {} » sans couche « {layer} »",
                    rows.len(),
                    crate::layout::tidy::TIDY_TABLE
                )
                .into());
            }
            continue;
        };
        restore_layer(&conn, seg, &layer, &fields, rows, &mut written, &mut out)?;
    }
    Ok(out)
}

/// The written rows: the segments in table order, and each one's rows in table order.
fn written_segments(written: &[Value]) -> (Vec<Segment>, HashMap<Segment, Vec<WrittenRow>>) {
    let mut order: Vec<Segment> = Vec::new();
    let mut segments: HashMap<Segment, Vec<WrittenRow>> = HashMap::new();
    for (i, v) in written.iter().enumerate() {
        let seg = (v.scale, v.population, v.zone);
        let rows = segments.entry(seg).or_insert_with(|| {
            order.push(seg);
            Vec::new()
        });
        match rows.last_mut() {
            Some((code, at)) if *code == v.code && at.end == i => at.end = i + 1,
            _ => rows.push((v.code.clone(), i..i + 1)),
        }
    }
    (order, segments)
}

/// `order` followed by every segment without written rows (not in `segments`).
fn with_unwritten_segments(
    mut order: Vec<Segment>,
    segments: &HashMap<Segment, Vec<WrittenRow>>,
) -> Vec<Segment> {
    for scale in Scale::ALL {
        for population in Population::ALL {
            for zone in Split::ALL {
                let seg = (scale, population, zone);
                if !segments.contains_key(&seg) {
                    order.push(seg);
                }
            }
        }
    }
    order
}

/// Each segment of `order` with its layer's name and, when the layer exists, its indicators
/// and its number of rows.
fn layers_on_disk(
    conn: &rusqlite::Connection,
    order: Vec<Segment>,
) -> Result<Vec<(Segment, String, OnDisk)>, ReadError> {
    let mut layers: Vec<(Segment, String, OnDisk)> = Vec::with_capacity(order.len());
    for seg @ (scale, population, zone) in order {
        let layer = layer_name(scale, population, zone);
        let on_disk = if relation_exists(conn, &layer)? {
            let rows: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{layer}\""), [], |r| {
                    r.get(0)
                })
                .map_err(sql)?;
            Some((layer_fields(conn, &layer)?, rows.max(0) as usize))
        } else {
            None
        };
        layers.push((seg, layer, on_disk));
    }
    Ok(layers)
}

/// Appends to `out` the values of each feature of `layer` (segment `seg`, indicators
/// `fields`) in `fid` order: those of its written row (`rows`, taken from `written`) or, when
/// the table has none, the restored small row. Every written row must match a feature, in
/// order.
fn restore_layer(
    conn: &rusqlite::Connection,
    seg: Segment,
    layer: &str,
    fields: &[&'static IndicatorDef],
    rows: Vec<WrittenRow>,
    written: &mut [Option<Value>],
    out: &mut Vec<Value>,
) -> Result<(), ReadError> {
    let key = crate::layout::key_fields(seg.0)[0].name;
    let mut stmt = conn
        .prepare(&format!("SELECT \"{key}\" FROM \"{layer}\" ORDER BY fid"))
        .map_err(sql_at(layer.to_string()))?;
    let codes = stmt
        .query_map([], |r| r.get::<_, Option<String>>(0))
        .map_err(sql)?;
    let mut rows = rows.into_iter().peekable();
    for code in codes {
        let Some(code) = code.map_err(sql)? else {
            continue;
        };
        match rows.peek() {
            Some((c, _)) if **c == *code => {
                let at = rows.next().expect("peeked").1;
                out.extend(
                    written[at]
                        .iter_mut()
                        .map(|v| v.take().expect("moved once")),
                );
            }
            _ => out.extend(small_row(seg, code.into(), fields)),
        }
    }
    let left = rows.count();
    if left > 0 {
        return Err(format!(
            "{left} entité(s) de la table « {} » absentes de la couche « {layer} » ou dans un \
             autre ordre",
            crate::layout::tidy::TIDY_TABLE
        )
        .into());
    }
    Ok(())
}

/// The values of a row the table leaves out: one per indicator of `fields`, all
/// `secret_effectif`.
fn small_row<'a>(
    (scale, population, zone): Segment,
    code: Arc<str>,
    fields: &'a [&'static IndicatorDef],
) -> impl Iterator<Item = Value> + 'a {
    fields.iter().map(move |&d| Value {
        scale,
        code: code.clone(),
        population,
        zone,
        indicator: Cow::Borrowed(d.field),
        def: Some(d),
        value: None,
        base: None,
        status: Status::SecretEffectif,
    })
}

/// The rows of the `indicateurs` table, in `fid` order, read with SQLite directly (a
/// GeoPackage is an SQLite file; going through one OGR feature per row took three times longer),
/// the two halves of the table on two connections at once.
fn read_tidy(path: &Path) -> Result<Vec<Value>, ReadError> {
    let conn = open_read_only(path)?;
    let table = crate::layout::tidy::TIDY_TABLE;
    if !relation_exists(&conn, table)? {
        return Err(format!("table « {table} » absente").into());
    }
    let (lo, hi): (Option<i64>, Option<i64>) = conn
        .query_row(
            &format!("SELECT min(fid), max(fid) FROM \"{table}\""),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(sql)?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    let mid = lo + (hi - lo) / 2;
    let (first, second) = rayon::join(|| read_fids(path, lo, mid), || read_fids(path, mid + 1, hi));
    let mut out = first?;
    out.extend(second?);
    Ok(out)
}

/// The indicators of a layer: its `<indicator>_secret` columns, in column order.
fn layer_fields(
    conn: &rusqlite::Connection,
    layer: &str,
) -> Result<Vec<&'static IndicatorDef>, ReadError> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{layer}') ORDER BY cid"
        ))
        .map_err(sql)?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(sql)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(sql)?;
    Ok(names
        .iter()
        .filter_map(|n| n.strip_suffix(crate::layout::SECRET_SUFFIX))
        .filter_map(indicators::by_field)
        .collect())
}

/// Whether `name` is a table or a view (the long table is a view).
fn relation_exists(conn: &rusqlite::Connection, name: &str) -> Result<bool, ReadError> {
    conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
        [name],
        |r| r.get(0),
    )
    .map_err(sql)
}

fn open_read_only(path: &Path) -> Result<rusqlite::Connection, ReadError> {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)
}

/// The rows of the `indicateurs` table whose `fid` is in `lo..=hi`, in `fid` order.
fn read_fids(path: &Path, lo: i64, hi: i64) -> Result<Vec<Value>, ReadError> {
    use crate::layout::tidy::COLUMNS;
    let conn = open_read_only(path)?;
    let table = crate::layout::tidy::TIDY_TABLE;
    let mut stmt = conn
        .prepare(&format!(
            "SELECT fid, {} FROM \"{table}\" WHERE fid BETWEEN ?1 AND ?2 ORDER BY fid",
            COLUMNS.join(", ")
        ))
        .map_err(sql_at(format!(
            "table « {table} » : colonnes attendues {}",
            COLUMNS.join(", ")
        )))?;
    let mut rows = stmt.query([lo, hi]).map_err(sql)?;
    let mut out = Vec::with_capacity((hi - lo + 1).max(0) as usize);
    let mut last_code: Option<Arc<str>> = None;
    while let Some(row) = rows.next().map_err(sql)? {
        let fid: i64 = row.get(0).map_err(sql)?;
        // column `k` of COLUMNS is column `k + 1` of the query
        let col = |k: usize| format!("fid {fid} : colonne « {} »", COLUMNS[k]);
        let text = |k: usize| -> Result<&str, ReadError> {
            match row.get_ref(k + 1).map_err(sql_at(col(k)))? {
                rusqlite::types::ValueRef::Null => Err(format!("{} vide", col(k)).into()),
                v => v
                    .as_str()
                    .map_err(|e| sql_at(col(k))(rusqlite::Error::from(e))),
            }
        };
        let bad = |k: usize, v: &str| -> ReadError {
            format!(
                "fid {fid} : valeur « {v} » inattendue dans « {} »",
                COLUMNS[k]
            )
            .into()
        };
        let s = text(0)?;
        let scale = scale_of(s).ok_or_else(|| bad(0, s))?;
        let p = text(2)?;
        let population = population_of(p).ok_or_else(|| bad(2, p))?;
        let z = text(3)?;
        let zone = split_of(z).ok_or_else(|| bad(3, z))?;
        let st = text(8)?;
        let status = Status::from_key(st).ok_or_else(|| bad(8, st))?;
        let c = text(1)?;
        // the values of a row are consecutive: one shared code per row
        let code = match &last_code {
            Some(l) if **l == *c => l.clone(),
            _ => {
                let l: Arc<str> = c.into();
                last_code = Some(l.clone());
                l
            }
        };
        let indicator = text(4)?;
        let def = indicators::by_field(indicator);
        let indicator = match def {
            Some(d) => Cow::Borrowed(d.field),
            None => Cow::Owned(indicator.to_string()),
        };
        let value: Option<f64> = row.get(7).map_err(sql_at(col(6)))?;
        let base: Option<i64> = row.get(8).map_err(sql_at(col(7)))?;
        out.push(Value {
            scale,
            code,
            population,
            zone,
            indicator,
            def,
            value,
            base,
            status,
        });
    }
    Ok(out)
}

/// What a GeoPackage written from `layers` would hold, without writing it (tests, checks).
pub fn from_layers(layers: &[crate::layout::Layer]) -> Published {
    let mut out = Published::default();
    for r in crate::layout::tidy::all_rows(layers) {
        let scale = scale_of(r.scale).expect("known scale");
        out.values.push(Value {
            scale,
            code: r.code,
            population: population_of(r.population).expect("known population"),
            zone: split_of(r.zone).expect("known zone"),
            indicator: Cow::Borrowed(r.indicator),
            def: indicators::by_field(r.indicator),
            value: r.value,
            base: r.base,
            status: r.status,
        });
    }
    for l in layers {
        if l.population != Population::Ensemble || l.split != Split::Tout {
            continue;
        }
        let cols = parent_keys(l.scale);
        for row in &l.rows {
            let Some(code) = row.keys.first().cloned().flatten() else {
                continue;
            };
            let mut m = HashMap::new();
            for (k, v) in l.keys.iter().zip(&row.keys) {
                if let (true, Some(v)) = (cols.contains(&k.name), v) {
                    m.insert(k.name.to_string(), v.clone());
                }
            }
            out.keys.insert((l.scale, code), m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    /// Regression: SQLite's own error was flattened into the message (`format!("SQLite : {e}")`)
    /// and lost as a cause; it is now the source of the error, printed as its cause.
    #[test]
    fn a_file_that_is_not_a_geopackage_keeps_sqlites_error_as_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pas_un_gpkg.gpkg");
        std::fs::write(
            &path,
            "ceci n'est pas une base SQLite, ni un GeoPackage ".repeat(50),
        )
        .unwrap();
        let err = read(&path).expect_err("not a database");
        assert!(matches!(err, AuditError::Sqlite { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("pas_un_gpkg.gpkg") && text.ends_with("SQLite"),
            "{text}"
        );
        let cause = err
            .source()
            .expect("SQLite's error as the source")
            .to_string();
        assert!(cause.contains("not a database"), "{cause}");
    }
}
