//! The layout of the outputs, shared by the writer ([`crate::emit`]) and the reader that checks
//! them ([`crate::audit`]): schema version, layer names, key columns, the in-memory [`Layer`]
//! and the long `indicateurs` table ([`tidy`]). Neither side reads the other: both read this.

pub mod tidy;

use crate::indicators::IndicatorDef;
use crate::model::{Population, Scale, Split};
use crate::secrecy::Cell;

/// Version of the layer schema (field names and types). Bumped on any incompatible change.
pub const SCHEMA_VERSION: &str = "1.0";

/// Geometry type of a layer (one per layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    MultiPolygon,
    Point,
    /// Attribute table without geometry (e.g. QVA known only by RPLS codes).
    None,
}

/// A key (business identifier or attribute) column of a layer. Keys are text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyField {
    /// ASCII snake_case French name (`code_commune`).
    pub name: &'static str,
    /// French title.
    pub title: &'static str,
    /// Declared NOT NULL (business keys).
    pub not_null: bool,
}

/// One row of a layer.
#[derive(Debug, Clone)]
pub struct LayerRow {
    /// One value per [`Layer::keys`] entry.
    pub keys: Vec<Option<String>>,
    /// Lambert-93 geometry; `None` only in [`GeometryKind::None`] layers.
    pub geometry: Option<geo::Geometry<f64>>,
    /// One cell per [`Layer::indicators`] entry.
    pub cells: Vec<Cell>,
}

/// A layer ready to be written: one scale × population × QPV split.
#[derive(Debug, Clone)]
pub struct Layer {
    /// ASCII layer name (`communes_ensemble_qpv`).
    pub name: String,
    /// French title.
    pub title: String,
    /// French description.
    pub description: String,
    pub scale: Scale,
    pub population: Population,
    pub split: Split,
    pub geometry: GeometryKind,
    pub keys: Vec<KeyField>,
    pub indicators: Vec<&'static IndicatorDef>,
    pub rows: Vec<LayerRow>,
}

/// Suffix of the companion column holding the reason code of an unpublished value.
pub const SECRET_SUFFIX: &str = "_secret";

/// Plural ASCII name of a scale, used in layer names.
pub fn scale_plural(scale: Scale) -> &'static str {
    match scale {
        Scale::Region => "regions",
        Scale::Departement => "departements",
        Scale::Epci => "epci",
        Scale::Commune => "communes",
        Scale::Qpv => "qpv",
        Scale::Qva => "qva",
        Scale::Iris => "iris",
        Scale::Programme => "programmes",
        Scale::Batiment => "batiments",
        Scale::Cage => "cages",
    }
}

/// Layer name: `<scale>_<population>[_qpv|_hors_qpv]`.
pub fn layer_name(scale: Scale, population: Population, split: Split) -> String {
    match split {
        Split::Tout => format!("{}_{}", scale_plural(scale), population.key()),
        s => format!("{}_{}_{}", scale_plural(scale), population.key(), s.key()),
    }
}

const fn key(name: &'static str, title: &'static str, not_null: bool) -> KeyField {
    KeyField {
        name,
        title,
        not_null,
    }
}

/// Key columns of a scale; the first is the unit's business key.
pub fn key_fields(scale: Scale) -> Vec<KeyField> {
    let admin = [
        key("code_epci", "Code SIREN de l'EPCI", false),
        key("code_departement", "Code du département", false),
        key("code_region", "Code de la région", false),
    ];
    let mut k = match scale {
        Scale::Region => vec![
            key("code_region", "Code de la région", true),
            key("nom_region", "Nom de la région", true),
        ],
        Scale::Departement => vec![
            key("code_departement", "Code du département", true),
            key("nom_departement", "Nom du département", true),
            admin[2].clone(),
        ],
        Scale::Epci => vec![
            key("code_epci", "Code SIREN de l'EPCI", true),
            key("nom_epci", "Nom de l'EPCI", true),
            admin[1].clone(),
            admin[2].clone(),
        ],
        Scale::Commune => {
            let mut v = vec![
                key("code_commune", "Code INSEE de la commune", true),
                key("nom_commune", "Nom de la commune", true),
            ];
            v.extend(admin.iter().cloned());
            v
        }
        Scale::Qpv => vec![
            key("code_qpv", "Code du quartier prioritaire", true),
            key("nom_qpv", "Nom du quartier prioritaire", true),
            key("code_commune", "Code INSEE de la commune principale", false),
            key(
                "millesime_qpv",
                "Génération de la géographie prioritaire",
                true,
            ),
        ],
        Scale::Qva => vec![
            key("code_qva", "Code du quartier de veille active", true),
            key("nom_qva", "Nom du quartier de veille active", false),
        ],
        Scale::Iris => {
            let mut v = vec![
                key("code_iris", "Code IRIS", true),
                key("nom_iris", "Nom de l'IRIS", true),
                key("code_commune", "Code INSEE de la commune", false),
            ];
            v.extend(admin.iter().cloned());
            v
        }
        Scale::Programme | Scale::Batiment | Scale::Cage => {
            let mut v = Vec::new();
            if scale == Scale::Cage {
                v.push(key("code_cage", "Identifiant de la cage d'escalier", true));
            }
            if scale != Scale::Programme {
                v.push(key("code_batiment", "Identifiant du bâtiment", true));
            }
            v.push(key(
                "code_programme",
                "Identifiant du programme-résidence",
                true,
            ));
            v.push(key("code_bailleur", "Code du bailleur (IDENT_ORG)", true));
            v.push(key("nom_bailleur", "Nom du bailleur", false));
            v.push(key("code_commune", "Code INSEE de la commune", false));
            v.extend(admin.iter().cloned());
            v
        }
    };
    k.shrink_to_fit();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_are_ascii_and_distinct() {
        let mut names = std::collections::HashSet::new();
        for s in Scale::ALL {
            for p in Population::ALL {
                for sp in Split::ALL {
                    if sp != Split::Tout && !s.has_qpv_split() {
                        continue;
                    }
                    let n = layer_name(s, p, sp);
                    assert!(n.is_ascii());
                    assert!(names.insert(n));
                }
            }
        }
        assert_eq!(names.len(), 36);
        assert_eq!(
            layer_name(Scale::Commune, Population::Recents, Split::HorsQpv),
            "communes_recents_hors_qpv"
        );
    }

    #[test]
    fn first_key_is_a_not_null_business_key() {
        for s in Scale::ALL {
            let k = key_fields(s);
            assert!(k[0].not_null, "{s:?}");
            assert!(k[0].name.starts_with("code_"), "{s:?}");
            let mut names: Vec<_> = k.iter().map(|f| f.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), k.len(), "{s:?}");
        }
    }
}
