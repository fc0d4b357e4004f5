//! QGIS (QML) and SLD styles generated from the indicator catalogue.
//!
//! Every indicator has one style per geometry family (polygons, points): a rule-based renderer
//! with the classes of [`classes`] and a distinct hatched grey class, with its own legend entry,
//! for values under statistical secrecy (NULL in the layers). The committed `styles/` folder
//! holds every style as `.qml` and `.sld` (a test checks it is up to date; regenerate it with
//! `cargo run -p opsgeo-dev -- regenerer`). The GeoPackage stores, per layer, the
//! default style (on a key indicator published for most of the layer's entities, see
//! [`default_indicator`], with the French field titles as aliases) and named styles for the
//! other [`KEY_INDICATORS`], in QGIS's `layer_styles` table.

pub mod classes;
pub mod qml;
pub mod sld;
pub mod xml;

use std::fmt::Write;
use std::path::PathBuf;

use super::gpkg::columns::layer_columns;
use super::{GeometryKind, Layer};
use crate::indicators::{IndicatorDef, Kind, CATALOGUE};

/// Geometry family a style draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Polygones,
    Points,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::Polygones, Family::Points];

    /// The family of a layer's geometry; `None` for tables without geometry.
    pub fn of(g: GeometryKind) -> Option<Family> {
        match g {
            GeometryKind::MultiPolygon => Some(Family::Polygones),
            GeometryKind::Point => Some(Family::Points),
            GeometryKind::None => None,
        }
    }

    /// Sub-folder of `styles/`.
    pub fn dir(self) -> &'static str {
        match self {
            Family::Polygones => "polygones",
            Family::Points => "points",
        }
    }
}

/// Indicator of the default style of a layer whose key indicators are all published for
/// most of its entities: the share of households receiving the APL housing benefit, a key
/// social-occupancy indicator published for both populations and rarely secret at the zone
/// scales.
pub const DEFAULT_INDICATOR: &str = "part_apl";

/// Indicators stored as named styles in the GeoPackage (those a layer has), in the order the
/// default style is chosen among them.
pub const KEY_INDICATORS: &[&str] = &[
    "part_apl",
    "part_rev_moins_20",
    "part_personne_seule",
    "part_monoparentale",
    "part_emmenages_recents",
    "taux_vacance",
    "loyer_m2",
    "loyer_moyen",
    "surface_moyenne",
    "taux_reponse",
    "nb_logements",
];

/// The indicator a layer is drawn with by default, so that its map is not hatched « secret »
/// from edge to edge: the first of [`KEY_INDICATORS`] the layer has that is published for
/// most of its entities; when none is (a layer of stairwells, most of which hold fewer than
/// `min_units` dwellings), the key indicator published for the most entities, the first on
/// ties. A layer without rows, or none of whose key indicators is published, is drawn with
/// [`base_indicator`]. The choice reads the published values only.
pub fn default_indicator(layer: &Layer) -> Option<&'static IndicatorDef> {
    let keyed: Vec<(usize, &'static IndicatorDef)> = KEY_INDICATORS
        .iter()
        .filter_map(|k| {
            let i = layer.indicators.iter().position(|d| d.field == *k)?;
            Some((i, layer.indicators[i]))
        })
        .collect();
    let published = |i: usize| {
        layer
            .rows
            .iter()
            .filter(|r| r.cells.get(i).is_some_and(|c| c.value.is_some()))
            .count()
    };
    let counts: Vec<usize> = keyed.iter().map(|&(i, _)| published(i)).collect();
    let n = layer.rows.len();
    let most = counts.iter().position(|&c| 2 * c > n).or_else(|| {
        let best = counts.iter().copied().max().filter(|&c| c > 0)?;
        counts.iter().position(|&c| c == best)
    });
    most.map(|k| keyed[k].1)
        .or_else(|| base_indicator(&layer.indicators))
}

/// The indicator of a layer's default style whatever its values: [`DEFAULT_INDICATOR`] when
/// the layer has it, else its first share, else its first indicator.
pub fn base_indicator(indicators: &[&'static IndicatorDef]) -> Option<&'static IndicatorDef> {
    indicators
        .iter()
        .find(|d| d.field == DEFAULT_INDICATOR)
        .or_else(|| indicators.iter().find(|d| d.kind == Kind::Share))
        .or_else(|| indicators.first())
        .copied()
}

/// The indicators with a style stored in a layer: the default one first, then the other key
/// indicators the layer has.
pub fn styled_indicators(layer: &Layer) -> Vec<&'static IndicatorDef> {
    let Some(default) = default_indicator(layer) else {
        return Vec::new();
    };
    let mut out = vec![default];
    for key in KEY_INDICATORS {
        if let Some(d) = layer.indicators.iter().find(|d| d.field == *key) {
            if d.field != default.field {
                out.push(d);
            }
        }
    }
    out
}

/// Style name as QGIS lists it.
pub fn style_name(def: &IndicatorDef) -> String {
    format!("opsgeo – {}", def.title)
}

/// One style stored for a layer.
#[derive(Debug, Clone)]
pub struct LayerStyle {
    pub indicator: &'static IndicatorDef,
    pub name: String,
    pub description: String,
    pub qml: String,
    pub sld: String,
    pub is_default: bool,
}

/// The French field titles of a layer, as QGIS aliases.
pub fn aliases(layer: &Layer) -> Vec<(String, String)> {
    layer_columns(layer)
        .map(|cols| cols.into_iter().map(|c| (c.name, c.title)).collect())
        .unwrap_or_default()
}

/// The styles of a layer (none for a layer without geometry or indicators), default first.
pub fn layer_styles(layer: &Layer) -> Vec<LayerStyle> {
    let Some(family) = Family::of(layer.geometry) else {
        return Vec::new();
    };
    let names = aliases(layer);
    styled_indicators(layer)
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let is_default = i == 0;
            LayerStyle {
                indicator: d,
                name: style_name(d),
                description: format!(
                    "{} : {} classes, valeurs non publiées (secret statistique) hachurées en gris{}",
                    d.title,
                    classes::classes(d).len(),
                    if is_default {
                        " ; style par défaut, avec les titres des champs"
                    } else {
                        ""
                    }
                ),
                qml: qml::document(d, family, if is_default { &names } else { &[] }),
                sld: sld::document(d, family),
                is_default,
            }
        })
        .collect()
}

/// Every file of the committed `styles/` folder: relative path and content.
pub fn style_files() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for family in Family::ALL {
        for d in CATALOGUE {
            let base = PathBuf::from(family.dir()).join(d.field);
            out.push((base.with_extension("qml"), qml::document(d, family, &[])));
            out.push((base.with_extension("sld"), sld::document(d, family)));
        }
    }
    out.push(("LISEZMOI.md".into(), index()));
    out
}

/// `styles/LISEZMOI.md`: what the folder holds and the classes of every indicator.
fn index() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Styles QGIS et SLD des indicateurs opsgeo\n");
    let _ = writeln!(
        s,
        "Fichiers générés depuis le catalogue des indicateurs (`src/indicators.rs`) par `src/emit/styles/` : ne pas les modifier à la main (`cargo run -p opsgeo-dev -- regenerer` les régénère).\n"
    );
    let _ = writeln!(
        s,
        "- `polygones/<indicateur>.qml|.sld` : couches de zones (régions à IRIS, QPV, QVA) ;\n- `points/<indicateur>.qml|.sld` : programmes, bâtiments, cages d'escalier.\n"
    );
    let _ = writeln!(
        s,
        "Chaque style classe les valeurs publiées sur une palette séquentielle lisible par les daltoniens (viridis, clair = faible) et dessine les valeurs non publiées (secret statistique, champ vide) en gris hachuré (polygones) ou par une croix grise (points), avec leur propre entrée de légende « {} ». Dans QGIS : Propriétés de la couche → Symbologie → Style → Charger le style. Les classes « quart » sont les quartiles des valeurs de la couche, calculés par QGIS à l'affichage ; le SLD ne peut pas les exprimer et distingue alors seulement valeurs publiées et non publiées.\n",
        classes::SECRET_LABEL
    );
    let _ = writeln!(s, "| indicateur | titre | classes |");
    let _ = writeln!(s, "|---|---|---|");
    for d in CATALOGUE {
        let labels: Vec<String> = classes::classes(d).into_iter().map(|c| c.label).collect();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            d.field,
            d.title,
            labels.join(" ; ")
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::LayerRow;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn files_under(dir: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir.join(rel)) {
            for e in entries.flatten() {
                let r = rel.join(e.file_name());
                if e.path().is_dir() {
                    files_under(dir, &r, out);
                } else {
                    out.insert(r);
                }
            }
        }
    }

    #[test]
    fn styles_folder_is_up_to_date() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("styles");
        let expected = style_files();
        let mut stale = Vec::new();
        for (rel, text) in &expected {
            if std::fs::read_to_string(dir.join(rel)).ok().as_deref() != Some(text.as_str()) {
                stale.push(rel.display().to_string());
            }
        }
        let mut present = BTreeSet::new();
        files_under(&dir, Path::new(""), &mut present);
        let wanted: BTreeSet<PathBuf> = expected.iter().map(|(p, _)| p.clone()).collect();
        stale.extend(
            present
                .difference(&wanted)
                .map(|p| format!("{} (en trop)", p.display())),
        );
        let n = stale.len();
        stale.truncate(5);
        assert!(
            n == 0,
            "styles/ is stale ({n} files: {}…): run cargo run -p opsgeo-dev -- regenerer",
            stale.join(", ")
        );
    }

    #[test]
    fn every_catalogue_indicator_has_both_families_and_formats() {
        let files = style_files();
        assert_eq!(files.len(), CATALOGUE.len() * 4 + 1);
        for (rel, text) in &files {
            match rel.extension().and_then(|e| e.to_str()) {
                Some("qml") => {
                    assert!(text.contains("type=\"RuleRenderer\""), "{}", rel.display());
                    assert!(text.contains(classes::SECRET_LABEL));
                }
                Some("sld") => assert!(text.contains("<ogc:PropertyIsNull>")),
                _ => {}
            }
        }
    }

    #[test]
    fn base_indicator_falls_back_to_a_share() {
        let apl = crate::indicators::by_field("part_apl").unwrap();
        let t1 = crate::indicators::by_field("part_t1").unwrap();
        let n = crate::indicators::by_field("nb_logements").unwrap();
        assert_eq!(base_indicator(&[n, t1, apl]).unwrap().field, "part_apl");
        assert_eq!(base_indicator(&[n, t1]).unwrap().field, "part_t1");
        assert_eq!(base_indicator(&[n]).unwrap().field, "nb_logements");
        assert!(base_indicator(&[]).is_none());
        let styled = styled_indicators(&layer(&[n, t1, apl], &[]));
        let fields: Vec<_> = styled.iter().map(|d| d.field).collect();
        assert_eq!(fields, ["part_apl", "nb_logements"]);
    }

    /// A layer of points whose rows publish the values marked `true`.
    fn layer(indicators: &[&'static IndicatorDef], rows: &[&[bool]]) -> Layer {
        use crate::model::{Population, Scale, Split};
        use crate::secrecy::{Cell, Status};
        let cell = |p: bool| Cell {
            value: p.then_some(1.0),
            base: p.then_some(11),
            status: if p {
                Status::Publie
            } else {
                Status::SecretEffectif
            },
        };
        Layer {
            name: "cages_ensemble".into(),
            title: String::new(),
            description: String::new(),
            scale: Scale::Cage,
            population: Population::Ensemble,
            split: Split::Tout,
            geometry: GeometryKind::Point,
            keys: Vec::new(),
            indicators: indicators.to_vec(),
            rows: rows
                .iter()
                .map(|r| LayerRow {
                    keys: Vec::new(),
                    geometry: None,
                    cells: r.iter().map(|&p| cell(p)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_default_style_hatched_for_most_stairwells_gives_way_to_a_published_indicator() {
        let apl = crate::indicators::by_field("part_apl").unwrap();
        let rent = crate::indicators::by_field("loyer_m2").unwrap();
        let n = crate::indicators::by_field("nb_logements").unwrap();
        let by = |rows: &[&[bool]]| {
            default_indicator(&layer(&[n, apl, rent], rows))
                .unwrap()
                .field
        };
        // the APL share published for most entities stays the default
        assert_eq!(
            by(&[
                &[true, true, true],
                &[true, true, false],
                &[false, false, false]
            ]),
            "part_apl"
        );
        // published for one of three: the rent, published for two, is drawn instead
        assert_eq!(
            by(&[
                &[true, true, true],
                &[true, false, true],
                &[false, false, false]
            ]),
            "loyer_m2"
        );
        // none for most: the most published key indicator, the first in order on ties
        let rows: &[&[bool]] = &[
            &[true, false, true],
            &[false, true, false],
            &[false; 3],
            &[false; 3],
        ];
        assert_eq!(by(rows), "part_apl");
        let rows: &[&[bool]] = &[
            &[true, false, true],
            &[false, false, true],
            &[false; 3],
            &[false; 3],
        ];
        assert_eq!(by(rows), "loyer_m2");
        // nothing published, or no rows: the base indicator
        assert_eq!(by(&[&[false; 3]]), "part_apl");
        assert_eq!(by(&[]), "part_apl");
        // the named styles follow the default, in catalogue order
        let styled = styled_indicators(&layer(&[n, apl, rent], &[&[true, false, true]]));
        let fields: Vec<_> = styled.iter().map(|d| d.field).collect();
        assert_eq!(fields, ["loyer_m2", "part_apl", "nb_logements"]);
    }
}
