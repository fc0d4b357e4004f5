//! The business codes of the units and the parent keys the layers will carry, as the secrecy
//! stage needs them to build the reader's view ([`super::reader::View`]) before anything is
//! written. The writer ([`crate::emit::layers`]) writes the same keys; a test checks that the
//! view rebuilt from a written GeoPackage is the view the search protected.

use std::collections::HashMap;

use crate::aggregate::{AggregateInput, Aggregates, QvaSource};
use crate::model::Scale;

use super::reader::KeyMap;

/// Codes of the zone units, in the index order of the aggregates.
#[derive(Debug, Clone, Default)]
pub struct UnitCodes {
    pub iris: Vec<String>,
    pub qpv: Vec<String>,
    /// QVA codes (polygons of the QVA layer, or RPLS `PLG_QVA` codes).
    pub qva: Vec<String>,
}

/// What the secondary suppression needs besides the aggregates.
pub struct SecondaryInput<'a> {
    pub data: &'a AggregateInput<'a>,
    pub codes: &'a UnitCodes,
}

/// The business code of unit `u` of `scale` (first key of its layer).
pub fn unit_code(scale: Scale, u: usize, input: &SecondaryInput<'_>) -> String {
    let t = input.data.territory;
    let s = input.data.structure;
    let c = input.codes;
    let get = |v: &[String]| v.get(u).cloned().unwrap_or_default();
    match scale {
        Scale::Region => t.regions[u].code.clone(),
        Scale::Departement => t.departements[u].code.clone(),
        Scale::Epci => t.epcis[u].code.clone(),
        Scale::Commune => t.communes[u].code.clone(),
        Scale::Qpv => get(&c.qpv),
        Scale::Qva => get(&c.qva),
        Scale::Iris => get(&c.iris),
        Scale::Programme => s.programmes[u].code.clone(),
        Scale::Batiment => s.buildings[u].code.clone(),
        Scale::Cage => s.stairwells[u].code.clone(),
    }
}

/// The parent keys of every unit of `scale` that the view reads (see
/// [`crate::secrecy::reader::view`]): `code_batiment` of a cage, `code_programme` of a
/// bâtiment, `code_commune` of a programme (when all its dwellings lie in one commune) and of
/// an IRIS, `code_epci`, `code_departement`, `code_region` of a commune, `code_region` of a
/// département.
pub fn parent_keys(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    scale: Scale,
    u: usize,
) -> HashMap<String, String> {
    let t = input.data.territory;
    let s = input.data.structure;
    let mut m = HashMap::new();
    let mut put = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.to_string(), v.to_string());
        }
    };
    match scale {
        Scale::Cage => put(
            "code_batiment",
            &s.buildings[s.stairwells[u].building as usize].code,
        ),
        Scale::Batiment => put(
            "code_programme",
            &s.programmes[s.buildings[u].programme as usize].code,
        ),
        Scale::Programme => {
            if let Some(c) = aggs.unit_communes[0][u] {
                put("code_commune", &t.communes[c as usize].code);
            }
        }
        Scale::Commune => {
            let c = &t.communes[u];
            let d = &t.departements[c.departement as usize];
            put("code_epci", &t.epcis[c.epci as usize].code);
            put("code_departement", &d.code);
            put("code_region", &t.regions[d.region as usize].code);
        }
        Scale::Departement => put(
            "code_region",
            &t.regions[t.departements[u].region as usize].code,
        ),
        Scale::Iris => {
            if let Some(c) = input.data.iris_commune.get(u).copied().flatten() {
                put("code_commune", &t.communes[c as usize].code);
            }
        }
        Scale::Region | Scale::Epci | Scale::Qpv | Scale::Qva => {}
    }
    m
}

/// The key map of every populated unit of the « ensemble » tables.
pub fn key_map(aggs: &Aggregates, input: &SecondaryInput<'_>) -> KeyMap {
    let mut out = KeyMap::new();
    for t in &aggs.tables {
        if t.population != crate::model::Population::Ensemble
            || t.split != crate::model::Split::Tout
        {
            continue;
        }
        for u in t.populated_units() {
            let keys = parent_keys(aggs, input, t.scale, u);
            if !keys.is_empty() {
                out.insert((t.scale, unit_code(t.scale, u, input)), keys);
            }
        }
    }
    out
}

/// Number of QVA units of the aggregates.
pub fn qva_units(aggs: &Aggregates, input: &SecondaryInput<'_>) -> usize {
    match aggs.qva_source {
        QvaSource::Polygons => input.data.qva_polygons.unwrap_or(0),
        QvaSource::RplsCodes => input.data.structure.qva_codes.len(),
    }
}
