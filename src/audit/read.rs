//! Reading a published GeoPackage: the `indicateurs` table and the hierarchy keys of the layers.

use std::collections::HashMap;
use std::path::Path;

use gdal::vector::LayerAccess;
use gdal::Dataset;

use super::AuditError;
use crate::emit::layers::layer_name;
use crate::model::{Population, Scale, Split};
use crate::secrecy::Status;

/// One row of the `indicateurs` table.
#[derive(Debug, Clone)]
pub struct Value {
    pub scale: Scale,
    pub code: String,
    pub population: Population,
    pub zone: Split,
    pub indicator: String,
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
    let ds = Dataset::open(path).map_err(|e| err(e.to_string()))?;
    let mut out = Published::default();
    {
        let mut layer = ds
            .layer_by_name(crate::emit::gpkg::TIDY_TABLE)
            .map_err(|_| err("table « indicateurs » absente".into()))?;
        let defn_idx = |name: &str| {
            layer
                .defn()
                .field_index(name)
                .map_err(|_| err(format!("colonne « {name} » absente de « indicateurs »")))
        };
        let idx: Vec<usize> = crate::emit::tidy::COLUMNS
            .iter()
            .map(|c| defn_idx(c))
            .collect::<Result<_, _>>()?;
        for (n, f) in layer.features().enumerate() {
            let text = |k: usize| -> Result<String, AuditError> {
                f.field_as_string(idx[k]).ok().flatten().ok_or_else(|| {
                    err(format!(
                        "ligne {} : colonne « {} » vide",
                        n + 1,
                        crate::emit::tidy::COLUMNS[k]
                    ))
                })
            };
            let bad = |k: usize, v: &str| {
                err(format!(
                    "ligne {} : valeur « {v} » inattendue dans « {} »",
                    n + 1,
                    crate::emit::tidy::COLUMNS[k]
                ))
            };
            let s = text(0)?;
            let scale = scale_of(&s).ok_or_else(|| bad(0, &s))?;
            let code = text(1)?;
            let p = text(2)?;
            let population = population_of(&p).ok_or_else(|| bad(2, &p))?;
            let z = text(3)?;
            let zone = split_of(&z).ok_or_else(|| bad(3, &z))?;
            let indicator = text(4)?;
            let st = text(8)?;
            let status = Status::from_key(&st).ok_or_else(|| bad(8, &st))?;
            let value = f.field_as_double(idx[6]).ok().flatten();
            let base = f.field_as_integer64(idx[7]).ok().flatten();
            out.values.push(Value {
                scale,
                code,
                population,
                zone,
                indicator,
                value,
                base,
                status,
            });
        }
    }
    for scale in Scale::ALL {
        let cols = parent_keys(scale);
        if cols.is_empty() {
            continue;
        }
        let name = layer_name(scale, Population::Ensemble, Split::Tout);
        let Ok(mut layer) = ds.layer_by_name(&name) else {
            continue;
        };
        let key0 = crate::emit::layers::key_fields(scale)[0].name;
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

/// What a GeoPackage written from `layers` would hold, without writing it (tests, checks).
pub fn from_layers(layers: &[crate::emit::Layer]) -> Published {
    let mut out = Published::default();
    for r in crate::emit::tidy::tidy_rows(layers) {
        let scale = scale_of(r.scale).expect("known scale");
        out.values.push(Value {
            scale,
            code: r.code,
            population: population_of(r.population).expect("known population"),
            zone: split_of(r.zone).expect("known zone"),
            indicator: r.indicator.to_string(),
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
